package io.synack.transport.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synack.transport.loopback.tckfixture.FlawedTransportFactory.Flaw;
import io.synack.transport.loopback.tckfixture.FlawedTransportFixture;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The transport contract test can fail: run against a transport with one flaw, exactly the tests
 * about that flaw fail (and against a correct one, none does).
 */
class TransportContractSelfTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NONE|",
        "NO_COPY|theSenderMayReuseItsBufferAsSoonAsSendReturns",
        "WRONG_THREAD|theReceiverRunsOnTheReceivingEndpointsSchedulerThread",
        "SEND_AFTER_CLOSE|sendAfterCloseThrowsTransportClosedAtOnce",
        "DELIVER_AFTER_CLOSE|nothingIsDeliveredAfterCloseReturns",
        "REORDERS|datagramsArriveOnceEachAndInTheOrderSentWhenTheTransportPromisesIt",
    })
    void theContractCatchesEachFlaw(Flaw flaw, String mustFail) {
        Set<String> failed = run(flaw);
        if (mustFail == null) {
            assertEquals(Set.of(), failed, "a correct transport passes");
        } else {
            assertTrue(failed.contains(mustFail), flaw + " should fail " + mustFail + "; failed: " + failed);
        }
    }

    private static synchronized Set<String> run(Flaw flaw) {
        Set<String> failed = new TreeSet<>();
        String before = System.getProperty(FlawedTransportFixture.FLAW);
        System.setProperty(FlawedTransportFixture.FLAW, flaw.name());
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(FlawedTransportFixture.class)).build();
            LauncherFactory.create().execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                        String method = id.getSource().map(Object::toString).orElse(id.getDisplayName());
                        int at = method.indexOf("methodName = '");
                        failed.add(at < 0 ? method : method.substring(at + 14, method.indexOf('\'', at + 14)));
                    }
                }
            });
        } finally {
            if (before == null) {
                System.clearProperty(FlawedTransportFixture.FLAW);
            } else {
                System.setProperty(FlawedTransportFixture.FLAW, before);
            }
        }
        return failed;
    }
}
