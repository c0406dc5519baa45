package dev.gatehouse.gateway.routing;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Resolves backend hosts for the gateway's HTTP client and fails the connection when any of a
 * host's addresses is not permitted. The catalog checks a backend URL when it is registered; this
 * checks again on every connection, so a host name cannot be pointed at an internal address
 * afterwards (DNS rebinding).
 */
public final class GuardedAddressResolver extends AddressResolverGroup<InetSocketAddress> {

    private final AddressResolverGroup<InetSocketAddress> delegate;
    private final Predicate<InetAddress> permitted;

    public GuardedAddressResolver(AddressResolverGroup<InetSocketAddress> delegate, Predicate<InetAddress> permitted) {
        this.delegate = delegate;
        this.permitted = permitted;
    }

    /**
     * Makes the gateway's HTTP client resolve through the guard, with the JDK's resolver (the
     * system's hosts file and DNS settings), which blocks the event loop while it waits for DNS.
     */
    public static HttpClientCustomizer customizer(Predicate<InetAddress> permitted) {
        GuardedAddressResolver resolver = new GuardedAddressResolver(DefaultAddressResolverGroup.INSTANCE, permitted);
        return httpClient -> httpClient.resolver(resolver);
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new Guard(executor, delegate.getResolver(executor));
    }

    private final class Guard extends AbstractAddressResolver<InetSocketAddress> {

        private final AddressResolver<InetSocketAddress> resolver;

        Guard(EventExecutor executor, AddressResolver<InetSocketAddress> resolver) {
            super(executor, InetSocketAddress.class);
            this.resolver = resolver;
        }

        @Override
        protected boolean doIsResolved(InetSocketAddress address) {
            // Netty connects to an address it considers resolved without asking: IP literals must be judged too.
            return false;
        }

        @Override
        protected void doResolve(InetSocketAddress address, Promise<InetSocketAddress> promise) {
            Future<InetSocketAddress> resolution = resolver.resolve(address);
            resolution.addListener(done -> complete(address, resolution, promise, List::of));
        }

        @Override
        protected void doResolveAll(InetSocketAddress address, Promise<List<InetSocketAddress>> promise) {
            Future<List<InetSocketAddress>> resolution = resolver.resolveAll(address);
            resolution.addListener(done -> complete(address, resolution, promise, Function.identity()));
        }

        private <T> void complete(InetSocketAddress requested, Future<T> resolution, Promise<T> promise,
                                  Function<T, List<InetSocketAddress>> addressesOf) {
            if (!resolution.isSuccess()) {
                promise.tryFailure(resolution.cause());
                return;
            }
            addressesOf.apply(resolution.getNow()).stream()
                    .map(InetSocketAddress::getAddress)
                    .filter(permitted.negate())
                    .findFirst()
                    .ifPresentOrElse(
                            refused -> promise.tryFailure(new BackendAddressNotPermittedException(requested.getHostString(), refused)),
                            () -> promise.trySuccess(resolution.getNow()));
        }
    }

    /**
     * A {@link ConnectException}, so that routing treats the backend like one that refused the
     * connection: nothing was sent, the backend rests and another one may take the call.
     */
    public static final class BackendAddressNotPermittedException extends ConnectException {

        BackendAddressNotPermittedException(String host, InetAddress refused) {
            super("backend address " + refused.getHostAddress()
                    + (host.equals(refused.getHostAddress()) ? "" : " of " + host) + " is not permitted");
        }
    }
}
