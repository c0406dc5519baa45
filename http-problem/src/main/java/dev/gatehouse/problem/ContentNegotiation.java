package dev.gatehouse.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The media types of a request's body and of its answer, checked before any work is done: a body
 * that is not declared as JSON is a 415 problem, an answer the caller does not accept a 406 one.
 * Header values that cannot be parsed are the caller's mistake too, never a 500.
 */
public final class ContentNegotiation {

    private ContentNegotiation() {
    }

    /** Refuses a request whose {@code Content-Type} is missing, unparsable or not JSON. */
    public static void requireJsonBody(HttpHeaders headers) {
        MediaType contentType;
        try {
            contentType = headers.getContentType();
        } catch (InvalidMediaTypeException e) {
            throw new ApiProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "The Content-Type header is not a valid media type; send the request body as application/json.");
        }
        if (contentType == null || !MediaType.APPLICATION_JSON.isCompatibleWith(contentType)) {
            throw new ApiProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json.");
        }
    }

    /**
     * Refuses a request whose {@code Accept} header gives none of {@code answers} a quality above
     * zero. As RFC 9110 section 12.5.1 has it, the most specific range that matches a type decides its
     * quality: {@code application/json;q=0} excludes JSON even beside a wildcard. No header accepts anything.
     */
    public static void requireAcceptable(HttpHeaders headers, MediaType... answers) {
        List<MediaType> accepted;
        try {
            accepted = headers.getAccept();
        } catch (InvalidMediaTypeException e) {
            throw new ApiProblem(ProblemType.NOT_ACCEPTABLE, "The Accept header is not a valid list of media types.");
        }
        if (accepted.isEmpty() || Arrays.stream(answers).anyMatch(answer -> quality(answer, accepted) > 0)) {
            return;
        }
        throw new ApiProblem(ProblemType.NOT_ACCEPTABLE, "This resource answers with "
                + Arrays.stream(answers).map(MediaType::toString).collect(Collectors.joining(" or "))
                + ", which the Accept header excludes.");
    }

    private static double quality(MediaType answer, List<MediaType> accepted) {
        MediaType decisive = null;
        for (MediaType range : accepted) {
            if (range.includes(answer) && (decisive == null || specificity(range) > specificity(decisive))) {
                decisive = range;
            }
        }
        return decisive == null ? 0 : decisive.getQualityValue();
    }

    private static int specificity(MediaType range) {
        if (range.isWildcardType()) {
            return 0;
        }
        return range.isWildcardSubtype() ? 1 : 2;
    }
}
