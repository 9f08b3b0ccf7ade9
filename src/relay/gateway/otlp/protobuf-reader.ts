// A minimal, defensive reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/)
// for bodies clients send us: every read is bounds-checked, nothing is copied but the strings asked for, and
// nested messages are views over the same bytes, so reading never allocates more than the input holds.
import { assertNever } from '../../../lib/assert-never.js';

/** Wire types a proto3 message may use; 3 and 4 (groups) are proto2-only, 6 and 7 do not exist. */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export interface FieldTag {
  field: number;
  wireType: WireType;
}

/** Malformed input: the message says what is wrong, short enough to hand back to the client in a 400. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

/** Deep enough for every OTLP message we walk (request → resource → scope → record → value → …). */
export const MAX_PROTOBUF_DEPTH = 32;
/** A varint carries at most 64 bits: 9 bytes of 7 bits and a tenth holding the last bit. */
const MAX_VARINT_BYTES = 10;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ProtobufReader {
  private position: number;
  private readonly end: number;

  /** `depth` counts the messages this one is nested in; a reader over a whole body starts at 0. */
  constructor(
    private readonly bytes: Uint8Array,
    readonly depth = 0,
  ) {
    if (depth > MAX_PROTOBUF_DEPTH) throw new ProtobufError('nesting too deep');
    this.position = 0;
    this.end = bytes.length;
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  readTag(): FieldTag {
    const tag = this.readVarint();
    // Tags are uint32 on the wire (which also caps field numbers at 2^29 - 1); anything larger is noise.
    if (tag > 0xffff_ffff) throw new ProtobufError('field tag out of range');
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new ProtobufError('field number 0');
    if (!isWireType(wireType)) throw new ProtobufError(`wire type ${wireType} not supported`);
    return { field, wireType };
  }

  /**
   * An unsigned varint as a number. Values past 2^53 lose precision, which only matters for numbers we never
   * read exactly (timestamps, counts); lengths that large are refused by the bounds check anyway.
   */
  readVarint(): number {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < MAX_VARINT_BYTES; index += 1) {
      if (this.position >= this.end) throw new ProtobufError('truncated in a varint');
      const byte = this.bytes[this.position] as number;
      this.position += 1;
      if (index === MAX_VARINT_BYTES - 1) {
        if (byte >= 0x80) throw new ProtobufError('varint longer than 10 bytes');
        if (byte > 1) throw new ProtobufError('varint over 64 bits');
      }
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    // Unreachable: the tenth byte either ends the varint or was refused above.
    throw new ProtobufError('varint longer than 10 bytes');
  }

  /** The payload of a length-delimited field: a view over the input, never a copy. */
  readBytes(): Uint8Array {
    const length = this.readVarint();
    if (length > this.end - this.position) throw new ProtobufError('length past the end of its message');
    const view = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return view;
  }

  /** proto3 strings must be UTF-8; a field that is not is malformed input, as the reference parsers say. */
  readString(): string {
    const bytes = this.readBytes();
    try {
      return utf8.decode(bytes);
    } catch {
      throw new ProtobufError('string is not UTF-8');
    }
  }

  /** A nested message, read by a reader one level deeper (which refuses to exist past the depth limit). */
  readMessage(): ProtobufReader {
    return new ProtobufReader(this.readBytes(), this.depth + 1);
  }

  /** A reader over the same message from its start: another pass, for fields that may come in any order. */
  clone(): ProtobufReader {
    return new ProtobufReader(this.bytes, this.depth);
  }

  /** Steps over a field's value: how unknown fields are skipped, and known ones we do not need. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.varint:
        this.readVarint();
        return;
      case WireType.fixed64:
        this.advance(8);
        return;
      case WireType.lengthDelimited:
        this.readBytes();
        return;
      case WireType.fixed32:
        this.advance(4);
        return;
      default:
        assertNever(wireType);
    }
  }

  private advance(count: number): void {
    if (count > this.end - this.position) throw new ProtobufError('truncated in a fixed-width field');
    this.position += count;
  }
}

function isWireType(value: number): value is WireType {
  return (
    value === WireType.varint ||
    value === WireType.fixed64 ||
    value === WireType.lengthDelimited ||
    value === WireType.fixed32
  );
}
