package dev.gatehouse.gateway.server;

import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * What the HTTP server does below Spring, for the gateway and the admin APIs alike: requests Netty
 * cannot decode are answered with problems like every other error, and kept-alive connections do
 * not stall (see {@link KeepAliveReadResumer}). Decision 0400 explains both.
 */
public final class HttpEdge {

    private static final String DECODING_FAILURE_PROBLEMS = "gatehouse.decodingFailureProblems";
    private static final String KEEP_ALIVE_READ_RESUMER = "gatehouse.keepAliveReadResumer";

    private HttpEdge() {
    }

    public static HttpServer install(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            // Present unless HTTP/2 over TLS is enabled, where ALPN picks the protocol later and these are not installed
            if (channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null) {
                channel.pipeline()
                        .addBefore(NettyPipeline.HttpTrafficHandler, DECODING_FAILURE_PROBLEMS, new DecodingFailureProblems())
                        .addAfter(NettyPipeline.HttpTrafficHandler, KEEP_ALIVE_READ_RESUMER, new KeepAliveReadResumer());
            }
        });
    }
}
