package io.synack.transport.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing prerequisite skips a test with the reason, or fails it under {@code CI=true}. */
class PrerequisitesTest {

    @Test
    void aMissingProgramSkipsWithTheReasonOrFailsUnderCi() {
        Throwable t = assertThrows(Throwable.class,
                () -> Prerequisites.requireCommand("synack-no-such-program", "synack-no-such-package"));
        if (Prerequisites.inCi()) {
            assertInstanceOf(AssertionFailedError.class, t);
            assertEquals("CI=true but a prerequisite of this test is missing: the program 'synack-no-such-program' "
                    + "(Debian package synack-no-such-package)", t.getMessage());
        } else {
            assertInstanceOf(TestAbortedException.class, t);
            assertEquals("skipped: this test needs the program 'synack-no-such-program' (Debian package "
                    + "synack-no-such-package)", t.getMessage());
        }
    }

    @Test
    void aPresentProgramIsFound() {
        Prerequisites.requireCommand("sh", "dash");
    }
}
