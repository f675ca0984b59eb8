package dev.skiff.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * Whole batches of one segment file, as a region of that file: a transport that can send a file
 * region ({@code sendfile}) calls {@link #transferTo} and the bytes never enter the Java heap; others
 * call {@link #readAll}. The region stays readable while the segment exists; after retention
 * deletes the segment, reads fail with an {@link IOException}.
 *
 * @param firstOffset the base offset of the first batch (at or below the offset that was asked for)
 * @param nextOffset the offset after the last batch in the slice
 */
public record LogSlice(
        Path file, FileChannel channel, long position, int sizeBytes, long firstOffset, long nextOffset) {

    /** Writes the whole slice to {@code target}; returns the bytes written. */
    public long transferTo(WritableByteChannel target) throws IOException {
        long done = 0;
        while (done < sizeBytes) {
            long n = channel.transferTo(position + done, sizeBytes - done, target);
            if (n <= 0) {
                throw new EOFException("short transfer from " + file + " at position " + (position + done));
            }
            done += n;
        }
        return done;
    }

    /** Copies the slice into a new heap buffer, positioned at 0. */
    public ByteBuffer readAll() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(sizeBytes);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                throw new EOFException("unexpected end of " + file + " at position " + (position + buf.position()));
            }
        }
        return buf.flip();
    }
}
