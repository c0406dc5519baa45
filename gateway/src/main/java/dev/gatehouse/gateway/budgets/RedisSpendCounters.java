package dev.gatehouse.gateway.budgets;

import dev.gatehouse.gateway.limits.RedisClients;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

/**
 * Spend counters in Redis, shared by every gateway replica. Each operation is one Lua script
 * ({@code budgets/*.lua}), which Redis runs atomically over all the accounts it names, so that
 * concurrent replicas can never both take the last of a budget. Scripts are sent by their digest,
 * and in full only when Redis does not know them yet (after a restart, say). Counters expire a day
 * after their period ends.
 */
public final class RedisSpendCounters implements SpendCounters {

    private static final long EXPIRY_AFTER_PERIOD_MILLIS = Duration.ofDays(1).toMillis();

    private final RedisClients.Connected<String, String> redis;
    private final URI uri;
    private final Script reserve = Script.named("reserve");
    private final Script settle = Script.named("settle");
    private final Script seed = Script.named("seed");

    private RedisSpendCounters(RedisClients.Connected<String, String> redis, URI uri) {
        this.redis = redis;
        this.uri = uri;
    }

    public static RedisSpendCounters connect(URI uri, Duration timeout) {
        return RedisClients.connect(uri, timeout, StringCodec.UTF8, connected -> new RedisSpendCounters(connected, uri));
    }

    @Override
    public CompletableFuture<Reservation> reserve(List<SpendAccount> accounts, String callId, long nanos, long holdUntilMillis, long nowMillis) {
        List<String> arguments = new ArrayList<>(List.of(callId, Long.toString(nanos), Long.toString(nowMillis), Long.toString(holdUntilMillis)));
        accounts.forEach(account -> arguments.add(Long.toString(account.limitNanos())));
        return this.<List<Long>>run(reserve, names(accounts), arguments).thenApply(answer -> switch (answer.get(0).intValue()) {
            case 0 -> Reservation.RESERVED;
            case 1 -> new Reservation(Outcome.REFUSED, answer.get(1).intValue() - 1, new Spend(answer.get(2), answer.get(3)));
            default -> new Reservation(Outcome.UNSEEDED, answer.get(1).intValue() - 1, null);
        });
    }

    @Override
    public CompletableFuture<List<Spend>> settle(List<SpendAccount> accounts, String callId, long nanos) {
        return this.<List<Long>>run(settle, names(accounts), List.of(callId, Long.toString(nanos)))
                .thenApply(answer -> IntStream.range(0, accounts.size())
                        .mapToObj(i -> answer.get(2 * i) < 0 ? null : new Spend(answer.get(2 * i), answer.get(2 * i + 1)))
                        .toList());
    }

    @Override
    public CompletableFuture<Void> seed(SpendAccount account, long spentNanos) {
        long expiresAt = account.periodEnd().toEpochMilli() + EXPIRY_AFTER_PERIOD_MILLIS;
        return run(seed, List.of(account.counterName()), List.of(Long.toString(spentNanos), Long.toString(expiresAt))).thenApply(done -> null);
    }

    @Override
    public CompletableFuture<Optional<Spend>> read(SpendAccount account) {
        return redis.connection().async().hmget(account.counterName(), "spent", "reserved").toCompletableFuture().thenApply(values -> {
            if (values.get(0).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Spend(Long.parseLong(values.get(0).getValue()), Long.parseLong(values.get(1).getValue())));
        });
    }

    private static List<String> names(List<SpendAccount> accounts) {
        return accounts.stream().map(SpendAccount::counterName).toList();
    }

    private <T> CompletableFuture<T> run(Script script, List<String> keys, List<String> arguments) {
        RedisAsyncCommands<String, String> commands = redis.connection().async();
        String[] keyArray = keys.toArray(String[]::new);
        String[] argumentArray = arguments.toArray(String[]::new);
        return commands.<T>evalsha(script.digest(), ScriptOutputType.MULTI, keyArray, argumentArray).toCompletableFuture()
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof RedisNoScriptException) {
                        return commands.<T>eval(script.source(), ScriptOutputType.MULTI, keyArray, argumentArray).toCompletableFuture();
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "Redis at " + uri.getHost() + ":" + uri.getPort();
    }

    private record Script(String source, String digest) {

        static Script named(String name) {
            try (InputStream in = RedisSpendCounters.class.getResourceAsStream("/budgets/" + name + ".lua")) {
                String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Script(source, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-1", e);
            }
        }
    }
}
