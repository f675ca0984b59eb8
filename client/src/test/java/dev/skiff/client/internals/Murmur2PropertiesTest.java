package dev.skiff.client.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;

/** For random keys and partition counts, our murmur2 and partitioning agree with Kafka's own code. */
class Murmur2PropertiesTest {
    @Property
    void sameHashAsKafka(@ForAll @Size(max = 64) byte[] key) {
        assertEquals(Utils.murmur2(key), Murmur2.hash(key));
    }

    @Property
    void samePartitionAsKafkasDefaultPartitioner(
            @ForAll @Size(max = 40) byte[] key, @ForAll @IntRange(min = 1, max = 1000) int partitions) {
        assertEquals(BuiltInPartitioner.partitionForKey(key, partitions), Murmur2.partitionForKey(key, partitions));
        assertEquals(Utils.toPositive(Utils.murmur2(key)) % partitions, Murmur2.partitionForKey(key, partitions));
    }
}
