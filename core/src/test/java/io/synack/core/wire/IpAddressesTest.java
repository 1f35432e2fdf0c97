package io.synack.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link IpAddresses} agrees with {@link InetAddress#getAddress()} for every address it sees. */
class IpAddressesTest {

    static IntStream seeds() {
        return IntStream.range(0, 50);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void bytesAndWordSumsMatchGetAddress(int seed) throws Exception {
        Random random = new Random(seed);
        // More IPv6 addresses than cache slots, so that collisions and evictions are exercised.
        for (int i = 0; i < 600; i++) {
            InetAddress a = i % 3 == 0 ? RandomSegments.ipv4(random) : RandomSegments.ipv6(random);
            if (i % 5 == 0) {
                a = InetAddress.getByAddress(a.getAddress()); // an equal, distinct instance
            }
            byte[] expected = a.getAddress();
            byte[] actual = new byte[expected.length + 2];
            IpAddresses.copy(a, actual, 1);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(actual, 1, 1 + expected.length), a.toString());
            assertEquals(expected.length, IpAddresses.length(a));
            assertEquals(InternetChecksum.sum(expected, 0, expected.length), IpAddresses.wordSum(a), a.toString());
            if (a instanceof Inet4Address v4) {
                // The allocation-free IPv4 path relies on Inet4Address.hashCode() being the address.
                assertEquals(java.nio.ByteBuffer.wrap(expected).getInt(), IpAddresses.ipv4(v4));
            }
        }
    }
}
