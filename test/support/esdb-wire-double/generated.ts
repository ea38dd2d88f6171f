import { createRequire } from 'node:module';

/**
 * The client package's own generated modules: its serializers check `instanceof`, so responses
 * must be built from these very classes (and its own google-protobuf), not from a second copy.
 */
const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
export const streamsGrpc: any = require('@eventstore/db-client/generated/streams_grpc_pb.js');
export const streamsPb: any = require('@eventstore/db-client/generated/streams_pb.js');
export const sharedPb: any = require('@eventstore/db-client/generated/shared_pb.js');
export const featuresGrpc: any = require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');
export const featuresPb: any = require('@eventstore/db-client/generated/serverfeatures_pb.js');
export const statusPb: any = require('@eventstore/db-client/generated/status_pb.js');
/** google-protobuf's Any as the generated modules load it (the client's own copy). */
const generatedRequire = createRequire(require.resolve('@eventstore/db-client/generated/status_pb.js'));
export const anyPb: any = generatedRequire('google-protobuf/google/protobuf/any_pb.js');
export const emptyPb: any = generatedRequire('google-protobuf/google/protobuf/empty_pb.js');
/* eslint-enable @typescript-eslint/no-explicit-any */
