package dev.gatehouse.gateway.limits;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * Lettuce clients for the limit and budget stores: every command times out after {@code timeout}
 * and is refused at once while the connection is down, so that an unreachable Redis fails a call
 * within that bound instead of stalling it; the client reconnects by itself.
 */
public final class RedisClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private RedisClients() {
    }

    /**
     * Connects, waiting up to {@link #CONNECT_TIMEOUT} (a replica starting on a busy machine is
     * slow) and failing when Redis cannot be reached then; {@code open} builds the store over the
     * connection, and the client is shut down if that fails.
     */
    public static <K, V, T> T connect(URI uri, Duration timeout, RedisCodec<K, V> codec,
                                      Function<Connected<K, V>, T> open) {
        RedisURI redis = RedisURI.create(uri);
        redis.setTimeout(CONNECT_TIMEOUT);
        RedisClient client = RedisClient.create(redis);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
        try {
            return open.apply(new Connected<>(client, client.connect(codec)));
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A client and its one connection, closed together. */
    public record Connected<K, V>(RedisClient client, StatefulRedisConnection<K, V> connection) implements AutoCloseable {

        /** Whether Redis answers now, for readiness. */
        public boolean reachable() {
            try {
                return "PONG".equals(connection.sync().ping());
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
