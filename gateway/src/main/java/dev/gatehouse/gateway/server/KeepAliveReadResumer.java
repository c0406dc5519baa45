package dev.gatehouse.gateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import reactor.netty.channel.ChannelOperations;

/**
 * Works around a stall of kept-alive connections in Reactor Netty 1.3.6 (still in 1.3.7;
 * reactor/reactor-netty#4361). A request that arrives before the previous response has finished
 * is queued; when the queued request is answered at once, on the event loop (a model listing, a
 * 401), Reactor Netty drains the queue without asking the connection for its next read, so the
 * request after it is never read and hangs until the client gives up.
 * <p>
 * Reactor Netty signals the end of each request with a user event, whose class it keeps private,
 * so after every user event, once the drain tasks Reactor Netty queued for it have run, this asks
 * for the next read when no request is in progress. A read asked for twice is read once.
 */
final class KeepAliveReadResumer extends ChannelInboundHandlerAdapter {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ctx.executor().execute(() -> {
            if (ctx.channel().isActive() && ChannelOperations.get(ctx.channel()) == null) {
                ctx.read();
            }
        });
        ctx.fireUserEventTriggered(event);
    }
}
