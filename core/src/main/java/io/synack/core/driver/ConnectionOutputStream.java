package io.synack.core.driver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The blocking send side of a {@link DrivenConnection}: {@code write} returns once every byte is
 * in the send buffer, waiting while it is full. {@link #flush()} has nothing to do (segmentation
 * and Nagle are the engine's), and {@link #close()} is the connection's
 * {@link DrivenConnection#shutdownOutput()}: FIN after the queued data (half-close).
 */
final class ConnectionOutputStream extends OutputStream {

    private final DrivenConnection connection;
    private final StackDriver driver;

    ConnectionOutputStream(DrivenConnection connection, StackDriver driver) {
        this.connection = connection;
        this.driver = driver;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        driver.checkMayBlock("OutputStream.write");
        ByteBuffer source = ByteBuffer.wrap(b, off, len);
        while (source.hasRemaining()) {
            if (connection.write(source) == 0) {
                Blocking.await(connection.whenWritable(), "room in the send buffer of " + connection.id());
            }
        }
    }

    @Override
    public void close() {
        connection.shutdownOutput();
    }
}
