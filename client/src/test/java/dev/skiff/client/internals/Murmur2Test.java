package dev.skiff.client.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Our murmur2 is Kafka's: same hash for every input, so keyed records land where Kafka puts them. */
class Murmur2Test {
    @Test
    void knownValuesFromKafkasOwnTests() {
        Map<String, Integer> cases = Map.of(
                "21", -973932308,
                "foobar", -790332482,
                "a-little-bit-long-string", -985981536,
                "a-little-bit-longer-string", -1486304829,
                "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971,
                "abc", 479470107);
        cases.forEach((key, expected) -> {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected, Murmur2.hash(bytes), key);
            assertEquals(Utils.murmur2(bytes), Murmur2.hash(bytes), key);
        });
    }

    @Test
    void emptyKeyAndEveryTailLength() {
        for (int len = 0; len <= 9; len++) {
            byte[] data = new byte[len];
            for (int i = 0; i < len; i++) {
                data[i] = (byte) (0xF0 + i);
            }
            assertEquals(Utils.murmur2(data), Murmur2.hash(data), "length " + len);
        }
    }

    @Test
    void toPositiveClearsTheSignBitLikeKafka() {
        assertEquals(Utils.toPositive(Integer.MIN_VALUE), Murmur2.toPositive(Integer.MIN_VALUE));
        assertEquals(Utils.toPositive(-1), Murmur2.toPositive(-1));
        assertEquals(0x7fffffff, Murmur2.toPositive(-1));
    }
}
