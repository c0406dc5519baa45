package dev.gatehouse.standalone;

import java.util.Objects;

/** This gateway process among the replicas that share one database: what it alone serves is marked with its id. */
record GatewayInstance(String id) {

    GatewayInstance {
        Objects.requireNonNull(id, "id");
    }
}
