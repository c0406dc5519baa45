package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteBufferFeeder;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Reads what metering needs of a plain (non-streamed) JSON answer as its pieces pass, without
 * copying them or building the answer's tree: the backend's {@code usage}, and the text the model
 * answered (each choice's text or message content; a Responses API answer's output text and
 * function-call arguments), to count its tokens when the backend reports none. The pieces flow on
 * untouched; a copy of them is kept (bounded) only when asked for, for the content log. An answer
 * that is not a JSON object has neither usage nor text. Thread-safe, as {@link StreamingUsageTap}
 * is: a caller's cancel and the backend's pieces may arrive on different threads.
 */
public final class PlainAnswerReader {

    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;
    private static final int MAX_COPY_BYTES = 32 * 1024 * 1024;

    private final JsonParser parser;
    private final ByteArrayOutputStream copy;
    private boolean copyOverflowed;
    private boolean unreadable;
    private boolean started;
    private boolean ended;
    private ObjectNode usage;
    private final StringBuilder choicesText = new StringBuilder();
    private final StringBuilder outputText = new StringBuilder();
    private final Choice choice = new Choice();
    private final StringBuilder itemContent = new StringBuilder();
    private String itemArguments = "";

    /** What one choice offers as its text, decided when the choice ends (its {@code text} first, else its delta's or message's content). */
    private static final class Choice {
        String text;
        boolean hasDelta;
        String deltaContent = "";
        String messageContent = "";

        String answered() {
            return text != null ? text : hasDelta ? deltaContent : messageContent;
        }
    }

    /** @param keepCopy whether to keep a copy of the answer's bytes too ({@link #copy()}) */
    public PlainAnswerReader(boolean keepCopy) {
        try {
            this.parser = JSON.createNonBlockingByteBufferParser();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.copy = keepCopy ? new ByteArrayOutputStream() : null;
    }

    public Flux<DataBuffer> apply(Flux<DataBuffer> body) {
        // closed however the body ends, so that the parser's buffers go back to Jackson's recycler
        return body.doOnNext(this::read).doOnComplete(this::endOfInput).doFinally(signal -> close());
    }

    /** The backend's own count, if the answer carried a usable one; read once the body has ended. */
    public synchronized Optional<TokenUsage> reportedUsage() {
        if (unreadable || usage == null) {
            return Optional.empty();
        }
        return TokenUsage.fromResponse(NODES.objectNode().set("usage", usage));
    }

    /** The text the model answered, for counting its tokens; empty if the answer was unreadable. */
    public synchronized String answerText() {
        return unreadable ? "" : choicesText + outputText.toString();
    }

    /** The answer as it passed, or empty when no copy was asked for or it exceeded the copy bound. */
    public synchronized byte[] copy() {
        return copy == null || copyOverflowed ? new byte[0] : copy.toByteArray();
    }

    private synchronized void read(DataBuffer piece) {
        keepCopy(piece);
        if (unreadable || ended) {
            return;
        }
        try (DataBuffer.ByteBufferIterator buffers = piece.readableByteBuffers()) {
            while (buffers.hasNext() && !unreadable) {
                ByteBuffer bytes = buffers.next();
                if (!bytes.hasRemaining()) {
                    continue;
                }
                ((ByteBufferFeeder) parser.getNonBlockingInputFeeder()).feedInput(bytes);
                drain();
            }
        } catch (IOException malformed) {
            unreadable = true;
        }
    }

    private synchronized void endOfInput() {
        if (unreadable || ended) {
            return;
        }
        parser.getNonBlockingInputFeeder().endOfInput();
        try {
            drain();
        } catch (IOException malformed) {
            unreadable = true;
        }
    }

    private synchronized void close() {
        try {
            parser.close();
        } catch (IOException closing) {
            unreadable = true;
        }
    }

    private void keepCopy(DataBuffer piece) {
        if (copy == null || copyOverflowed) {
            return;
        }
        int length = piece.readableByteCount();
        if (copy.size() + length > MAX_COPY_BYTES) {
            copyOverflowed = true;
            return;
        }
        byte[] bytes = new byte[length];
        piece.toByteBuffer(piece.readPosition(), ByteBuffer.wrap(bytes), 0, length);
        copy.write(bytes, 0, length);
    }

    private void drain() throws IOException {
        JsonToken token;
        while (!unreadable && !ended && (token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            if (!started) {
                started = true;
                if (token != JsonToken.START_OBJECT) {
                    unreadable = true;
                    return;
                }
                continue;
            }
            accept(token);
        }
    }

    private void accept(JsonToken token) throws IOException {
        JsonStreamContext in = parser.getParsingContext();
        if (token == JsonToken.FIELD_NAME) {
            if ("delta".equals(parser.currentName()) && isChoice(in)) {
                choice.hasDelta = true;
            }
            return;
        }
        if (token == JsonToken.END_OBJECT) {
            endOfObject(parser.getParsingContext());
            return;
        }
        if (token == JsonToken.START_OBJECT && isTopLevelMember(in.getParent(), "usage")) {
            usage = NODES.objectNode();
            return;
        }
        if (token.isStructStart()) {
            if (usage != null && isUsageMember(in.getParent())) {
                usage.set(in.getParent().getCurrentName(), token == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode());
            }
            return;
        }
        if (token.isScalarValue()) {
            scalar(token, in);
        }
    }

    /** The object that just ended: a choice gives its text, an output item its content and arguments, in the order the answer has them. */
    private void endOfObject(JsonStreamContext closed) {
        // after END_OBJECT the parser's context is the container the object was in
        if (closed.inRoot()) {
            // what may follow the answer's object is not read, as a parser of the whole answer would not
            ended = true;
        } else if (closed.inArray() && isTopLevelMember(closed.getParent(), "choices")) {
            append(choicesText, choice.answered());
            choice.text = null;
            choice.hasDelta = false;
            choice.deltaContent = "";
            choice.messageContent = "";
        } else if (closed.inArray() && isTopLevelMember(closed.getParent(), "output")) {
            append(outputText, itemContent);
            append(outputText, itemArguments);
            itemContent.setLength(0);
            itemArguments = "";
        }
    }

    private void scalar(JsonToken token, JsonStreamContext in) throws IOException {
        String name = in.getCurrentName();
        if (usage != null && isUsageMember(in)) {
            usage.set(name, switch (token) {
                case VALUE_NUMBER_INT -> NODES.numberNode(parser.getBigIntegerValue());
                case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
                case VALUE_STRING -> NODES.textNode(parser.getText());
                case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(token == JsonToken.VALUE_TRUE);
                default -> NODES.nullNode();
            });
            return;
        }
        if (isChoice(in)) {
            if ("text".equals(name) && token == JsonToken.VALUE_STRING) {
                choice.text = parser.getText();
            }
        } else if (in.inObject() && isChoice(in.getParent()) && "content".equals(name)) {
            String content = textOf(token);
            if ("delta".equals(in.getParent().getCurrentName())) {
                choice.deltaContent = content;
            } else if ("message".equals(in.getParent().getCurrentName())) {
                choice.messageContent = content;
            }
        } else if (isOutputItem(in) && "arguments".equals(name)) {
            itemArguments = textOf(token);
        } else if (in.inObject() && "text".equals(name) && in.getParent().inArray() && isOutputItem(in.getParent().getParent())
                && "content".equals(in.getParent().getParent().getCurrentName())) {
            append(itemContent, textOf(token));
        }
    }

    /** A scalar's text as the answer's tree would give it ({@code asText("")}): null gives nothing. */
    private String textOf(JsonToken token) throws IOException {
        return token == JsonToken.VALUE_NULL ? "" : parser.getText();
    }

    private static void append(StringBuilder text, CharSequence more) {
        if (text.length() + more.length() <= MAX_TEXT_CHARS) {
            text.append(more);
        }
    }

    private static boolean isTopLevelMember(JsonStreamContext context, String name) {
        return context != null && context.inObject() && context.getParent() != null && context.getParent().inRoot()
                && name.equals(context.getCurrentName());
    }

    private static boolean isUsageMember(JsonStreamContext context) {
        return context != null && context.inObject() && isTopLevelMember(context.getParent(), "usage");
    }

    /** An object directly in the answer's {@code choices}. */
    private static boolean isChoice(JsonStreamContext context) {
        return context != null && context.inObject() && context.getParent() != null && context.getParent().inArray()
                && isTopLevelMember(context.getParent().getParent(), "choices");
    }

    /** An object directly in a Responses API answer's {@code output}. */
    private static boolean isOutputItem(JsonStreamContext context) {
        return context != null && context.inObject() && context.getParent() != null && context.getParent().inArray()
                && isTopLevelMember(context.getParent().getParent(), "output");
    }
}
