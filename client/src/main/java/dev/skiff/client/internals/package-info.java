/**
 * The client's machinery: channels, metadata, the record accumulator and sender, the fetcher, and
 * the one wrapper around kafka-clients' record codec ({@link dev.skiff.client.internals.RecordBatchCodec}).
 * Public only so that {@code cli} can reuse the codec and tests can wire fakes; not a stable API.
 */
package dev.skiff.client.internals;
