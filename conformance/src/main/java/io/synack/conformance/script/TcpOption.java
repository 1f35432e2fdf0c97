package io.synack.conformance.script;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One TCP option in a packet line's option list ({@code <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>}),
 * in packetdrill's notation. Numbers are kept as {@code long} holding the unsigned 32-bit value.
 */
public sealed interface TcpOption {

    /** The option kind octet (RFC 9293 §3.2, RFC 7323, RFC 2018). */
    int kind();

    /** Kind 0, End of Option List. */
    record Eol() implements TcpOption {
        public int kind() {
            return 0;
        }

        @Override
        public String toString() {
            return "eol";
        }
    }

    /** Kind 1, No-Operation. */
    record Nop() implements TcpOption {
        public int kind() {
            return 1;
        }

        @Override
        public String toString() {
            return "nop";
        }
    }

    /** Kind 2, Maximum Segment Size. */
    record Mss(int value) implements TcpOption {
        public int kind() {
            return 2;
        }

        @Override
        public String toString() {
            return "mss " + value;
        }
    }

    /** Kind 3, Window Scale (RFC 7323 §2). */
    record WindowScale(int shift) implements TcpOption {
        public int kind() {
            return 3;
        }

        @Override
        public String toString() {
            return "wscale " + shift;
        }
    }

    /** Kind 4, SACK permitted (RFC 2018 §2). */
    record SackPermitted() implements TcpOption {
        public int kind() {
            return 4;
        }

        @Override
        public String toString() {
            return "sackOK";
        }
    }

    /** Kind 5, SACK blocks {@code left:right} (RFC 2018 §3). */
    record Sack(List<long[]> blocks) implements TcpOption {
        public int kind() {
            return 5;
        }

        @Override
        public String toString() {
            return "sack " + blocks.stream().map(b -> b[0] + ":" + b[1]).collect(Collectors.joining(" "));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Sack s) || s.blocks.size() != blocks.size()) {
                return false;
            }
            for (int i = 0; i < blocks.size(); i++) {
                if (blocks.get(i)[0] != s.blocks.get(i)[0] || blocks.get(i)[1] != s.blocks.get(i)[1]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return blocks.size();
        }
    }

    /** Kind 8, Timestamps (RFC 7323 §3). */
    record Timestamp(long val, long ecr) implements TcpOption {
        public int kind() {
            return 8;
        }

        @Override
        public String toString() {
            return "TS val " + val + " ecr " + ecr;
        }
    }

    /** Any other kind, as seen on an outbound segment. */
    record Other(int kind, int length) implements TcpOption {
        @Override
        public String toString() {
            return "kind " + kind + " len " + length;
        }
    }

    /**
     * An option the runner does not implement ({@code FO}, {@code md5}, {@code mptcp} ...), kept as
     * written: a script using one is skipped, not failed, so suites of other stacks run.
     */
    record Unsupported(String text) implements TcpOption {
        public int kind() {
            return -1;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
