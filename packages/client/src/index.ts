export type { Channel, EventOf, FixedChannel } from "./channels.js";
export { assertChannel } from "./channels.js";
export { Dispatch, type EnqueueOptions } from "./client.js";
export type { Codec, Format, OutboundFrame, WireMessage } from "./codecs/codec.js";
export { jsonCodec } from "./codecs/json.js";
export type { ConnectionState, ConnectionStatus, GapEvent } from "./connection-state.js";
export {
  AbortError,
  AuthError,
  ConnectionError,
  DispatchError,
  type DispatchErrorCode,
  type DispatchErrorOptions,
  isRetryableCode,
  TimeoutError,
  ValidationError,
} from "./errors.js";
export {
  type BatchJob,
  batch,
  type FanoutClient,
  type GatherResult,
  gather,
  type WaitOptions,
  waitForJob,
} from "./fanout.js";
export type { Logger } from "./logger.js";
export type {
  DispatchOptions,
  TokenProvider,
  Transport,
  WebSocketConstructor,
  WebSocketLike,
} from "./options.js";
export type { ErrorDetail, Frame, FrameType } from "./protocol/frame.js";
export { MAX_FRAME_BYTES } from "./protocol/frame.js";
export type { EnqueueParams, Method, Methods } from "./protocol/methods.js";
export type {
  CancelResult,
  CronEvent,
  CronEventData,
  EnqueueResult,
  Job,
  JobEvent,
  JobEventData,
  JobEventType,
  JobState,
  PublishEventResult,
  Run,
  RunState,
  StartWorkflowResult,
  Stats,
  StreamEvent,
  StreamEventType,
  SubscribeResult,
  TimelineEntry,
  WireJob,
  WireRun,
  WireTimelineEntry,
  WorkflowEvent,
  WorkflowEventData,
  WorkflowEventType,
} from "./protocol/types.js";
export type { EnqueueFields } from "./request-data.js";
export type { RequestOptions } from "./requests.js";
export { createRpcClient, type RpcClient, type RpcClientOptions } from "./rpc-client.js";
export type { EventListener, SubscribeOptions, Subscription } from "./subscription.js";
