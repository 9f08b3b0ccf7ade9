// The models the genai-prices catalog knows for a pool, narrowed to those the relay's routes can answer: a
// model list's entries for accounts that do not name their models.
import { findProvider } from '@pydantic/genai-prices';
import { platformOfModel } from '../domain/model-platforms.js';
import { PROVIDER_OF, RESOLD_FAMILIES } from './catalog-prices.js';

/**
 * Catalog entries that are not text generation (speech, images, embeddings, moderation, realtime sessions) or
 * not reachable through the relay's routes (completions-only and open-weight models, dated fine-tune prefixes).
 */
const NOT_SERVED =
  /audio|realtime|transcribe|tts|image|embedding|moderation|whisper|dall-e|search|computer-use|deep-research|instruct|oss|davinci|babbage|curie|live|vision|^ada$|:|-$/;

const byPlatform = new Map<string, readonly string[]>();

export function catalogModels(platform: string): readonly string[] {
  const cached = byPlatform.get(platform);
  if (cached) return cached;
  const resold = RESOLD_FAMILIES[platform];
  if (resold !== undefined) {
    // A reselling pool (Droid) lists the models of every family it resells.
    const models = resold.flatMap((family) => catalogModels(family)).sort();
    byPlatform.set(platform, models);
    return models;
  }
  const providerId = PROVIDER_OF[platform];
  const provider = providerId === undefined ? undefined : findProvider({ providerId });
  const models = (provider?.models ?? [])
    .map((model) => model.id)
    // A catalog provider also prices other vendors' models it resells (Google prices Claude on Vertex): only
    // the families this provider makes are its pool's.
    .filter((id) => {
      const family = platformOfModel(id);
      return !NOT_SERVED.test(id) && family !== undefined && PROVIDER_OF[family] === providerId;
    })
    .sort();
  byPlatform.set(platform, models);
  return models;
}
