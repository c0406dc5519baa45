package dev.gatehouse.gateway.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A successful plain answer held whole for the steps that rewrite it: parsed once, when a step
 * first reads it, and written once, after the last step, only if a step changed it.
 */
public final class PlainAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private byte[] bytes;
    private JsonNode json;
    private boolean parsed;
    private boolean changed;

    public PlainAnswer(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The answer's JSON, for reading and changing in place (then say so: {@link #changed()}); null if it is not JSON. */
    public JsonNode json() {
        if (!parsed) {
            parsed = true;
            try {
                json = JSON.readTree(bytes);
            } catch (IOException notJson) {
                json = null;
            }
        }
        return json;
    }

    /** The JSON was changed in place: the caller gets it written anew. */
    public void changed() {
        changed = true;
    }

    /** The answer is this JSON from now on. */
    public void replace(JsonNode answer) {
        json = answer;
        parsed = true;
        changed = true;
    }

    /** The answer as it stands. */
    public byte[] bytes() {
        if (changed) {
            bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            changed = false;
        }
        return bytes;
    }
}
