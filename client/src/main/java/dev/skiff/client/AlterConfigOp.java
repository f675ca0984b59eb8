package dev.skiff.client;

import java.util.Objects;

/** Sets or deletes one config key, as in Kafka's incrementalAlterConfigs. */
public record AlterConfigOp(String name, OpType op, String value) {
    public enum OpType {
        SET,
        DELETE
    }

    public AlterConfigOp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
    }

    public static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(name, OpType.SET, value);
    }

    public static AlterConfigOp delete(String name) {
        return new AlterConfigOp(name, OpType.DELETE, "");
    }
}
