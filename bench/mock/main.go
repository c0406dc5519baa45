// A mock OpenAI chat completions backend for the benchmark harness: answers every POST to a path
// ending in /chat/completions with a fixed 16-token completion and its usage, plain or streamed
// (one SSE event per token, and a usage event when stream_options.include_usage asks for it),
// after -delay. Listens on loopback only.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"
)

const tokens = 16

func main() {
	addr := flag.String("addr", "127.0.0.1:19100", "loopback address to listen on")
	delay := flag.Duration("delay", 0, "pause before the answer (plain) or its first token (streamed)")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		log.Fatal("the mock listens on 127.0.0.1 only")
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/models") {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"object":"list","data":[{"id":"bench-mock","object":"model","owned_by":"bench"}]}`)
			return
		}
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
			http.NotFound(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if *delay > 0 {
			time.Sleep(*delay)
		}
		if streamed(body) {
			stream(w, bytes.Contains(body, []byte(`"include_usage"`)))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, plain)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

func streamed(body []byte) bool {
	compact := bytes.ReplaceAll(body, []byte(" "), nil)
	return bytes.Contains(compact, []byte(`"stream":true`))
}

var plain = `{"id":"chatcmpl-bench","object":"chat.completion","created":1764547200,"model":"bench-mock",` +
	`"choices":[{"index":0,"message":{"role":"assistant","content":"` + strings.TrimSpace(strings.Repeat("word ", tokens)) +
	`"},"finish_reason":"stop"}],"usage":{"prompt_tokens":48,"completion_tokens":16,"total_tokens":64}}`

func stream(w http.ResponseWriter, usage bool) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher := w.(http.Flusher)
	event := func(data string) {
		fmt.Fprintf(w, "data: %s\n\n", data)
		flusher.Flush()
	}
	head := `{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764547200,"model":"bench-mock","choices":[`
	event(head + `{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`)
	for i := 0; i < tokens; i++ {
		event(head + `{"index":0,"delta":{"content":"word "},"finish_reason":null}]}`)
	}
	event(head + `{"index":0,"delta":{},"finish_reason":"stop"}]}`)
	if usage {
		event(`{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764547200,"model":"bench-mock","choices":[],` +
			`"usage":{"prompt_tokens":48,"completion_tokens":16,"total_tokens":64}}`)
	}
	event("[DONE]")
}
