package dev.gatehouse.problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The last word on every error: renders it as problem+json and never lets a stack trace or an
 * exception message of unknown origin reach the caller. Unknown exceptions are logged with the
 * request id and answered with a generic 500.
 */
public final class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final Function<ServerWebExchange, String> requestIdOf;

    public ProblemExceptionHandler(Function<ServerWebExchange, String> requestIdOf) {
        this.requestIdOf = requestIdOf;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        String requestId = requestIdOf.apply(exchange);
        if (exchange.getResponse().isCommitted()) {
            LOG.warn("request {} failed after its response had started: {}", requestId, error.toString());
            return Mono.error(error);
        }
        ApiProblem problem = describe(error);
        if (problem.type() == ProblemType.INTERNAL_ERROR && !(error instanceof ApiProblem)) {
            LOG.error("request {} failed unexpectedly", requestId, error);
        } else if (problem.type() == ProblemType.DATABASE_UNAVAILABLE && !(error instanceof ApiProblem)) {
            LOG.warn("request {} could not reach the database: {}", requestId, error.toString());
        }
        exchange.getResponse().getHeaders().clear();
        if (requestId != null) {
            exchange.getResponse().getHeaders().set(ProblemJson.REQUEST_ID_HEADER, requestId);
        }
        return ProblemJson.write(exchange.getResponse(), problem, requestId);
    }

    /** The problem a caller is told about for this error; never the error's own message, unless it is an {@link ApiProblem}. */
    public static ApiProblem describe(Throwable error) {
        if (error instanceof ApiProblem problem) {
            return problem;
        }
        // before the backend check: a refused (or unresolvable) database is a ConnectException too
        if (isDatabaseConnectionFailure(error)) {
            return new ApiProblem(ProblemType.DATABASE_UNAVAILABLE, "The database cannot be reached; retry shortly.");
        }
        if (hasCause(error, ConnectException.class) || hasCause(error, UnknownHostException.class)) {
            return new ApiProblem(ProblemType.BACKEND_UNAVAILABLE, "The model backend could not be reached.");
        }
        if (hasCause(error, TimeoutException.class) || error.getClass().getSimpleName().equals("TimeoutException")) {
            return new ApiProblem(ProblemType.BACKEND_TIMEOUT, "The model backend did not answer in time.");
        }
        if (error instanceof MethodNotAllowedException) {
            return new ApiProblem(ProblemType.METHOD_NOT_ALLOWED, "This method is not allowed on this path.");
        }
        if (error instanceof UnsupportedMediaTypeStatusException) {
            return new ApiProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json.");
        }
        if (error instanceof NotAcceptableStatusException) {
            return new ApiProblem(ProblemType.NOT_ACCEPTABLE, "This resource can only answer with JSON.");
        }
        if (error instanceof ServerWebInputException || hasCause(error, DecodingException.class)) {
            return new ApiProblem(ProblemType.INVALID_REQUEST, "The request could not be read.");
        }
        if (error instanceof ResponseStatusException statusError) {
            return fromStatus(statusError.getStatusCode());
        }
        return new ApiProblem(ProblemType.INTERNAL_ERROR, "An internal error occurred; quote the request id when reporting it.");
    }

    private static ApiProblem fromStatus(HttpStatusCode status) {
        return switch (status.value()) {
            case 404 -> new ApiProblem(ProblemType.NOT_FOUND, "No resource at this path.");
            case 405 -> new ApiProblem(ProblemType.METHOD_NOT_ALLOWED, "This method is not allowed on this path.");
            case 413 -> new ApiProblem(ProblemType.PAYLOAD_TOO_LARGE, "The request body is too large.");
            case 415 -> new ApiProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json.");
            case 502, 503 -> new ApiProblem(ProblemType.BACKEND_UNAVAILABLE, "The model backend could not be reached.");
            case 504 -> new ApiProblem(ProblemType.BACKEND_TIMEOUT, "The model backend did not answer in time.");
            default -> status.is4xxClientError()
                    ? new ApiProblem(ProblemType.INVALID_REQUEST, "The request could not be processed.")
                    : new ApiProblem(ProblemType.INTERNAL_ERROR, "An internal error occurred; quote the request id when reporting it.");
        };
    }

    /**
     * A JDBC failure to reach the database, however wrapped (Spring's CannotGetJdbcConnectionException,
     * Hikari's timeout): SQLState class 08 (connection exception) or 57P (the server shutting down or
     * starting up). Other SQL errors are bugs or broken rules and stay 500.
     */
    private static boolean isDatabaseConnectionFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
