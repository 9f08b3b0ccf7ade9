// Shared by the fake upstream's tool-call and replay tests: the API key the fake is started with, and the tool
// calls and thought text the tool scenarios enqueue.
import type { ToolCall } from './fake-upstream/index.js';

export const KEY = 'tools-test-key';
export const CALLS: ToolCall[] = [
  { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
  { id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome","unit":"celsius"}' },
];
export const THOUGHT =
  '**Checking the weather**\n\nThe user wants Paris and Rome; I will call the tool twice.';
