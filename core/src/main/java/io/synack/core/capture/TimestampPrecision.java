package io.synack.core.capture;

/**
 * The resolution of timestamps in a classic pcap file, told apart by its magic number
 * (libpcap's {@code pcap-savefile(5)}: {@code 0xa1b2c3d4} for microseconds, {@code 0xa1b23c4d}
 * for nanoseconds).
 */
public enum TimestampPrecision {
    /** Seconds and microseconds. */
    MICROSECONDS(0xA1B2C3D4, 1_000),
    /** Seconds and nanoseconds. */
    NANOSECONDS(0xA1B23C4D, 1);

    private final int magic;
    private final int nanosPerUnit;

    TimestampPrecision(int magic, int nanosPerUnit) {
        this.magic = magic;
        this.nanosPerUnit = nanosPerUnit;
    }

    /** The file's magic number for this precision, as written in the file's byte order. */
    public int magic() {
        return magic;
    }

    /** Nanoseconds per unit of the fractional timestamp field. */
    public int nanosPerUnit() {
        return nanosPerUnit;
    }
}
