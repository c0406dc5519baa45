package dev.gatehouse.gateway.server;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemJson;
import dev.gatehouse.problem.ProblemType;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * Gives requests that Netty cannot decode (bad framing, a control character or a line break in a
 * header, an over-long request line or header section) a problem+json answer instead of the empty
 * 400, 414 or 431 that Reactor Netty sends for them. It sits between the HTTP codec and Reactor
 * Netty's traffic handler: it notes a decoding failure on its way in, and rewrites the bodiless
 * answer that follows it on its way out, keeping its status and {@code Connection: close}.
 */
final class DecodingFailureProblems extends ChannelDuplexHandler {

    private boolean decodingFailed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecoderResultProvider decoded && decoded.decoderResult().isFailure()) {
            decodingFailed = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (decodingFailed && msg instanceof FullHttpResponse refusal && !refusal.content().isReadable()) {
            FullHttpResponse problem = problemFor(refusal);
            refusal.release();
            ctx.write(problem, promise);
            return;
        }
        ctx.write(msg, promise);
    }

    private static FullHttpResponse problemFor(FullHttpResponse refusal) {
        ApiProblem problem = switch (refusal.status().code()) {
            case 414 -> new ApiProblem(ProblemType.URI_TOO_LONG, "The request line is longer than this server accepts; shorten the URI.");
            case 431 -> new ApiProblem(ProblemType.HEADERS_TOO_LARGE, "The request headers are larger than this server accepts.");
            default -> new ApiProblem(ProblemType.MALFORMED_HTTP,
                    "The request is not well-formed HTTP/1.1 (its framing, request line or a header); it was not processed.");
        };
        byte[] body = ProblemJson.render(problem, null).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(problem.type().status()),
                Unpooled.wrappedBuffer(body));
        answer.headers().set(refusal.headers())
                .set(HttpHeaderNames.CONTENT_TYPE, ProblemJson.MEDIA_TYPE.toString())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return answer;
    }
}
