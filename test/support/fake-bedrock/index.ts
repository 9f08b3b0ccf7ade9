// Entry point of the fake AWS Bedrock runtime (InvokeModel / InvokeModelWithResponseStream) used by tests.

export { bedrockFaults } from './faults.js';
export {
  FAKE_BEDROCK_BEARER_TOKEN,
  FAKE_BEDROCK_CREDENTIAL,
  FAKE_BEDROCK_REGION,
  startFakeBedrock,
} from './server.js';
export type {
  BedrockCall,
  BedrockCallAuth,
  BedrockOperation,
  BedrockScenario,
  FakeBedrock,
  FakeBedrockCredential,
  StartFakeBedrockOptions,
} from './types.js';
