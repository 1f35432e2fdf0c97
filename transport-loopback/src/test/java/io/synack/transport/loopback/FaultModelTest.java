package io.synack.transport.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compact text form of the fault model: what it reads, how it prints, and its errors. */
class FaultModelTest {

    @Test
    void theCliExampleReadsIntoItsPlan() {
        FaultPlan plan = FaultModel.parse("loss=0.2,dup=0.05,reorder=0.1,delay=5ms..800ms,corrupt=0.01").defaults();
        assertEquals(0.2, plan.loss());
        assertEquals(0.05, plan.duplicate());
        assertEquals(0.1, plan.reorder());
        assertEquals(FaultPlan.DEFAULT_REORDER_DELAY, plan.reorderDelay());
        assertEquals(DelayDistribution.uniform(Duration.ofMillis(5), Duration.ofMillis(800)), plan.delay());
        assertEquals(0.01, plan.corrupt());
        assertEquals(1, plan.corruptBits());
    }

    @Test
    void everyItemReadsBackFromItsPrintedForm() {
        String text = "loss=0.1,burst=0.01:0.3:0.9,dup=0.05,reorder=0.1:20ms,delay=pareto:10ms:1.2:10m,corrupt=0.01:3,"
                + "rate=1MiB,mtu=1500,partition=2s..5s,partition=10s..12s,drop=3,hold=2@5s,drop=FIN,hold=SYN+ACK@1s";
        FaultModel model = FaultModel.parse(text);
        assertEquals(text, model.defaults().toString());
        assertEquals(model, FaultModel.parse(model.toString()));
        assertEquals(1 << 20, model.defaults().rateBytesPerSecond());
        assertEquals(2, model.defaults().partitions().size());
        assertEquals(4, model.defaults().scripted().size());
    }

    @Test
    void pathSectionsOverrideTheDefaultForOneDirection() {
        FaultModel model = FaultModel.parse("loss=0.1; 10.0.0.2>10.0.0.1:drop=1; [fd00::1]>*:dup=0.2,loss=0");
        var a = LoopbackNetworkTest.ip("10.0.0.1");
        var b = LoopbackNetworkTest.ip("10.0.0.2");
        assertEquals("loss=0.1", model.planFor(a, b).toString());
        assertEquals("drop=1", model.planFor(b, a).toString(), "an override replaces the default");
        assertEquals("dup=0.2", model.planFor(LoopbackNetworkTest.ip("fd00::1"), LoopbackNetworkTest.ip("fd00::2")).toString());
        assertEquals(model, FaultModel.parse(model.toString()));
    }

    @Test
    void emptyAndNoneMeanNoFaults() {
        assertTrue(FaultModel.parse("").isNone());
        assertTrue(FaultModel.parse("none").isNone());
        assertTrue(FaultModel.parse("loss=0,burst=off").isNone());
        assertNull(FaultModel.parse("burst=off").defaults().burst());
        assertFalse(FaultModel.parse("drop=1").isNone());
        assertEquals("none", FaultPlan.NONE.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "loss=1.5|fault item 'loss=1.5': loss must be a probability from 0 to 1, not 1.5",
        "los=0.1|fault item 'los=0.1': unknown fault 'los'; known: loss, burst, dup, reorder, delay, corrupt, rate, mtu, partition, drop, hold",
        "loss|fault item 'loss' must be NAME=VALUE",
        "loss=abc|fault item 'loss=abc'",
        "delay=5ms..2ms|fault item 'delay=5ms..2ms': delay '5ms..2ms' is not a delay distribution (the maximum delay 2ms is shorter than the minimum 5ms)",
        "delay=pareto:10ms|fault item 'delay=pareto:10ms'",
        "mtu=20|fault item 'mtu=20': mtu must be 0 (none) or from 68 (RFC 791) to 65575, not 20",
        "drop=0|fault item 'drop=0': datagrams are counted from 1, not 0",
        "hold=2|fault item 'hold=2': hold must be N@TIME or FLAGS@TIME",
        "drop=FYN|fault item 'drop=FYN': 'FYN' is not a TCP flag; flags: FIN, SYN, RST, PSH, ACK, URG, ECE, CWR",
        "partition=5s..2s|fault item 'partition=5s..2s': a partition must open at or after 0 and heal after it opens",
        "burst=0.1:0|fault item 'burst=0.1:0': burst r must be greater than 0",
        "10.0.0.300>*:loss=0.1|'10.0.0.300' is not an IPv4 address",
        "10.0.0.1>10.0.0.2 loss=0.1|must be SRC>DST:items",
        "loss=0.1; 10.0.0.1>*:dup=2|fault item 'dup=2': dup must be a probability from 0 to 1, not 2.0",
    })
    void aBadItemIsNamedInTheError(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultModel.parse(text));
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }
}
