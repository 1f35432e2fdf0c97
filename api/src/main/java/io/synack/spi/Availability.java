package io.synack.spi;

/**
 * Whether a transport can run on this machine, and if not, why and what to do (as Netty's
 * {@code Epoll.isAvailable()} / {@code unavailabilityCause()}).
 *
 * @param available true if the transport can be opened here
 * @param cause empty when available; otherwise a sentence saying why not and what to do
 */
public record Availability(boolean available, String cause) {

    /** The transport can run here. */
    public static Availability yes() {
        return new Availability(true, "");
    }

    /**
     * The transport cannot run here.
     *
     * @param cause why not, and what the user can do about it
     * @return the verdict
     */
    public static Availability no(String cause) {
        return new Availability(false, cause);
    }
}
