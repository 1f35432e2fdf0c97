package io.synack.core.driver;

import io.synack.api.SynackException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The blocking receive side of a {@link DrivenConnection}: {@code read} waits until bytes, the
 * peer's FIN (then -1) or a failure (then the typed {@link SynackException}) is there.
 * {@link #close()} does nothing: RFC 9293 has no CLOSE for the receiving direction alone; the
 * connection's own {@code close()} ends both.
 */
final class ConnectionInputStream extends InputStream {

    private final DrivenConnection connection;
    private final StackDriver driver;

    ConnectionInputStream(DrivenConnection connection, StackDriver driver) {
        this.connection = connection;
        this.driver = driver;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        driver.checkMayBlock("InputStream.read");
        ByteBuffer destination = ByteBuffer.wrap(b, off, len);
        while (true) {
            int n = connection.read(destination);
            if (n != 0) {
                return n;
            }
            Blocking.await(connection.whenReadable(), "data on " + connection.id());
        }
    }

    @Override
    public int available() throws IOException {
        return driver.call((engine, now) -> connection.readableBytesOnSchedulerThread());
    }
}
