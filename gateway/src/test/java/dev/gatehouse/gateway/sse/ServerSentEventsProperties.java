package dev.gatehouse.gateway.sse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.testing.ChunkedBytes;
import dev.gatehouse.testing.HostileText;
import dev.gatehouse.testing.Property;
import dev.gatehouse.testing.RandomJson;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The framer hands on a streamed answer event by event, whatever the network's buffer boundaries,
 * and loses, adds or reorders no byte; reading an event's data never fails.
 */
class ServerSentEventsProperties {

    private static final String[] FIELDS = {"data: ", "data:", "event: ", "id: ", "retry: ", ": ", ":"};

    @Test
    void framesEveryCompleteEventAndPassesTheRestOnLastWhateverTheBufferBoundaries() {
        Property.forAll(ServerSentEventsProperties::stream).check(stream -> {
            List<byte[]> expected = new ArrayList<>(stream.events());
            if (stream.rest().length > 0) {
                expected.add(stream.rest());
            }
            assertThat(framed(stream.chunked())).containsExactlyElementsOf(expected);
        });
    }

    @Test
    void losesAddsAndReordersNoByteOfAnyStream() {
        Property.forAll(random -> ChunkedBytes.cut(lineNoise(random), random)).check(chunked -> {
            List<byte[]> events = framed(chunked);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            events.forEach(joined::writeBytes);
            assertThat(joined.toByteArray()).containsExactly(chunked.bytes());
            assertThat(events).containsExactlyElementsOf(framed(new ChunkedBytes(chunked.bytes(), new int[0])));
        });
    }

    /** As request bodies are read: a member name holding a lone surrogate is not JSON this reads. */
    @Test
    void readsTheJsonOfAnEventsDataLineAndLoneSurrogateNamesAsUnreadable() {
        Property.forAll(random -> RandomJson.value(random, 3)).shownAs(json -> HostileText.escaped(json.toString())).check(json -> {
            byte[] event = ("data: " + RandomJson.oneLine(json) + "\n\n").getBytes(StandardCharsets.UTF_8);
            assertThat(ServerSentEvents.data(event)).isEqualTo(RandomJson.hasBrokenName(json) ? null : json);
        });
    }

    @Test
    void readsTheDataOfAnyBytesWithoutFailing() {
        Property.forAll(ServerSentEventsProperties::lineNoise).check(bytes -> ServerSentEvents.deltaContent(ServerSentEvents.data(bytes)));
    }

    @Test
    void readsTheContentDeltaOfAChunkOrNothingFromAnyOtherJson() {
        Property.forAll(random -> random.nextBoolean() ? chunk(HostileText.next(random, 6)) : RandomJson.value(random, 4))
                .shownAs(json -> HostileText.escaped(json.toString()))
                .check(json -> {
                    String delta = ServerSentEvents.deltaContent(json);
                    if (json.at("/choices/0/delta/content").isTextual()) {
                        assertThat(delta).isEqualTo(json.at("/choices/0/delta/content").textValue());
                    } else {
                        assertThat(delta).isNotNull();
                    }
                });
    }

    /** Complete events, LF- or CRLF-terminated, then the bytes of an event not yet complete. */
    private record Stream(List<byte[]> events, byte[] rest, ChunkedBytes chunked) {
        @Override
        public String toString() {
            return events.size() + " events and " + rest.length + " bytes more, " + chunked;
        }
    }

    private static Stream stream(Random random) {
        List<byte[]> events = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int count = random.nextInt(8);
        for (int i = 0; i < count; i++) {
            String newline = random.nextBoolean() ? "\n" : "\r\n";
            StringBuilder event = new StringBuilder();
            int lines = 1 + random.nextInt(3);
            for (int line = 0; line < lines; line++) {
                event.append(FIELDS[random.nextInt(FIELDS.length)]).append(oneLine(random)).append(newline);
            }
            byte[] bytes = event.append(newline).toString().getBytes(StandardCharsets.UTF_8);
            events.add(bytes);
            all.writeBytes(bytes);
        }
        byte[] rest = random.nextBoolean() ? new byte[0] : ("data: " + oneLine(random)).getBytes(StandardCharsets.UTF_8);
        all.writeBytes(rest);
        return new Stream(events, rest, ChunkedBytes.cut(all.toByteArray(), random));
    }

    private static String oneLine(Random random) {
        return random.nextBoolean()
                ? RandomJson.value(random, 2).toString()
                : HostileText.next(random, 6).replace('\n', ' ').replace('\r', ' ');
    }

    /** Lines of any length ending in LF, CRLF or CR, with a blank one now and then. */
    private static byte[] lineNoise(Random random) {
        String[] pieces = {"\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "data: ", ":", "[DONE]", "{\"a\":", "}", "x", "\u00e9", "\ud83d\ude00"};
        StringBuilder text = new StringBuilder();
        int count = random.nextInt(60);
        for (int i = 0; i < count; i++) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode chunk(String content) {
        ObjectNode chunk = JsonNodeFactory.instance.objectNode();
        chunk.putArray("choices").addObject().putObject("delta").put("content", content);
        return chunk;
    }

    private static List<byte[]> framed(ChunkedBytes chunked) {
        return ServerSentEvents.events(Flux.fromIterable(chunked.pieces()).map(DefaultDataBufferFactory.sharedInstance::wrap))
                .collectList()
                .block(Duration.ofSeconds(5));
    }
}
