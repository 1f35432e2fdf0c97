package io.synack.cli.lab;

import io.synack.api.SynackException;
import io.synack.api.TcpConnection;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * Applications written against the non-blocking connection API, driven by readiness callbacks, so
 * they run on the simulation's one thread as well as on a real-time stack's event loop.
 */
public final class StreamPumps {

    private StreamPumps() {}

    /** What a reader saw: the byte count and a CRC-32C over the bytes, in order. */
    public record Received(long bytes, long crc, byte[] prefix) {}

    /**
     * Writes {@code total} bytes of the deterministic stream {@link #streamByte(long, long)} for
     * {@code seed}, then (if asked) shuts down output.
     *
     * @param connection where to write
     * @param seed which stream
     * @param total how many bytes
     * @param shutdownAfter whether to send FIN after the last byte
     * @return completes when every byte was queued (and FIN requested)
     */
    public static CompletableFuture<Void> write(TcpConnection connection, long seed, long total, boolean shutdownAfter) {
        long[] produced = {0};
        return pump(connection, 64 * 1024, chunk -> {
            int n = (int) Math.min(chunk.remaining(), total - produced[0]);
            for (int i = 0; i < n; i++) {
                chunk.put(streamByte(seed, produced[0] + i));
            }
            produced[0] += n;
            return n > 0;
        }, shutdownAfter);
    }

    /**
     * Writes a message, then (if asked) shuts down output.
     *
     * @param connection where to write
     * @param message the bytes
     * @param shutdownAfter whether to send FIN after it
     * @return completes when the message was queued
     */
    public static CompletableFuture<Void> write(TcpConnection connection, byte[] message, boolean shutdownAfter) {
        boolean[] given = {false};
        return pump(connection, Math.max(1, message.length), chunk -> {
            if (given[0]) {
                return false;
            }
            chunk.put(message);
            given[0] = true;
            return message.length > 0;
        }, shutdownAfter);
    }

    /** Fills a chunk with the next bytes to send; false when there are none left. */
    private interface Source {
        boolean fill(ByteBuffer chunk);
    }

    /** Writes everything {@code source} gives, waiting for room with {@code whenWritable()}. */
    private static CompletableFuture<Void> pump(TcpConnection connection, int chunkSize, Source source,
            boolean shutdownAfter) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ByteBuffer chunk = ByteBuffer.allocate(chunkSize).limit(0);
        Runnable step = new Runnable() {
            @Override
            public void run() {
                try {
                    while (true) {
                        if (!chunk.hasRemaining()) {
                            chunk.clear();
                            boolean more = source.fill(chunk);
                            chunk.flip();
                            if (!more) {
                                break;
                            }
                        }
                        if (connection.write(chunk) == 0) {
                            connection.whenWritable().thenRun(this);
                            return;
                        }
                    }
                    if (shutdownAfter) {
                        connection.shutdownOutput();
                    }
                    done.complete(null);
                } catch (SynackException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }
        };
        step.run();
        return done;
    }

    /**
     * Reads until {@code limit} bytes arrived or end of stream, whichever is first.
     *
     * @param connection where to read
     * @param limit stop after this many bytes (Long.MAX_VALUE: read to end of stream)
     * @return the count and checksum of what arrived, and its first bytes
     */
    public static CompletableFuture<Received> read(TcpConnection connection, long limit) {
        CompletableFuture<Received> done = new CompletableFuture<>();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        CRC32C crc = new CRC32C();
        byte[] prefix = new byte[(int) Math.min(limit, 256)];
        long[] count = {0};
        Runnable step = new Runnable() {
            @Override
            public void run() {
                try {
                    while (count[0] < limit) {
                        buffer.clear();
                        buffer.limit((int) Math.min(buffer.capacity(), limit - count[0]));
                        int n = connection.read(buffer);
                        if (n < 0) {
                            break;
                        }
                        if (n == 0) {
                            connection.whenReadable().thenRun(this);
                            return;
                        }
                        buffer.flip();
                        if (count[0] < prefix.length) {
                            int p = (int) Math.min(n, prefix.length - count[0]);
                            buffer.get(buffer.position(), prefix, (int) count[0], p);
                        }
                        crc.update(buffer);
                        count[0] += n;
                    }
                    byte[] seen = count[0] < prefix.length ? java.util.Arrays.copyOf(prefix, (int) count[0]) : prefix;
                    done.complete(new Received(count[0], crc.getValue(), seen));
                } catch (SynackException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }
        };
        step.run();
        return done;
    }

    /** Byte {@code index} of the deterministic test stream {@code seed} (a cheap mixing function). */
    public static byte streamByte(long seed, long index) {
        long z = seed + index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return (byte) (z ^ (z >>> 27));
    }

    /** The CRC-32C a reader of {@code total} bytes of stream {@code seed} must see. */
    public static long expectedCrc(long seed, long total) {
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[64 * 1024];
        for (long done = 0; done < total; ) {
            int n = (int) Math.min(chunk.length, total - done);
            for (int i = 0; i < n; i++) {
                chunk[i] = streamByte(seed, done + i);
            }
            crc.update(chunk, 0, n);
            done += n;
        }
        return crc.getValue();
    }
}
