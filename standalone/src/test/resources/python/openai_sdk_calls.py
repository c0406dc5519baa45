"""Calls a Gatehouse gateway with the official OpenAI Python SDK, unchanged but for its base URL,
as Python clients do: every endpoint plain and streamed, and errors as the SDK's exceptions.
Run by OpenAiPythonSdkTest with GATEHOUSE_BASE_URL and GATEHOUSE_KEY set; prints one JSON object
per call and exits non-zero at the first answer that is not what the OpenAI API would give."""
import json
import os
import sys

import openai
from openai import OpenAI

client = OpenAI(base_url=os.environ["GATEHOUSE_BASE_URL"], api_key=os.environ["GATEHOUSE_KEY"], max_retries=0)


def report(call, **facts):
    print(json.dumps({"call": call, **facts}), flush=True)


def expect(condition, what):
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr, flush=True)
        sys.exit(1)


models = [model.id for model in client.models.list()]
expect("chat-simulator" in models, f"models.list names chat-simulator: {models}")
report("models.list", ids=models)

model = client.models.retrieve("chat-simulator")
expect(model.id == "chat-simulator" and model.object == "model", f"models.retrieve: {model}")
report("models.retrieve", id=model.id)

try:
    client.models.retrieve("no-such-model")
    expect(False, "models.retrieve of an unknown model raises NotFoundError")
except openai.NotFoundError as error:
    report("models.retrieve unknown", status=error.status_code, code=error.code)

chat = client.chat.completions.create(model="chat-simulator", messages=[{"role": "user", "content": "Hello from Python"}])
expect(chat.choices[0].message.content.endswith("You said: Hello from Python"), f"chat: {chat}")
report("chat.completions", prompt_tokens=chat.usage.prompt_tokens, completion_tokens=chat.usage.completion_tokens)

streamed = "".join(chunk.choices[0].delta.content or "" for chunk in
                   client.chat.completions.create(model="chat-simulator", stream=True,
                                                  messages=[{"role": "user", "content": "Stream it from Python"}])
                   if chunk.choices)
expect(streamed.endswith("You said: Stream it from Python"), f"chat stream: {streamed}")
report("chat.completions stream", text=streamed)

completion = client.completions.create(model="chat-simulator", prompt="Once upon a time in Python")
expect(completion.choices[0].text.endswith("You said: Once upon a time in Python"), f"completions: {completion}")
report("completions", prompt_tokens=completion.usage.prompt_tokens, completion_tokens=completion.usage.completion_tokens)

text = "".join(chunk.choices[0].text for chunk in
               client.completions.create(model="chat-simulator", prompt="Stream a completion", stream=True) if chunk.choices)
expect(text.endswith("You said: Stream a completion"), f"completions stream: {text}")
report("completions stream", text=text)

response = client.responses.create(model="chat-simulator", instructions="Be brief.", input="Hello Responses from Python")
expect(response.output_text.endswith("You said: Hello Responses from Python"), f"responses: {response}")
expect(response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens, f"responses usage: {response.usage}")
report("responses", input_tokens=response.usage.input_tokens, output_tokens=response.usage.output_tokens)

kinds = []
deltas = []
completed = None
for event in client.responses.create(model="chat-simulator", input="Stream Responses from Python", stream=True):
    kinds.append(event.type)
    if event.type == "response.output_text.delta":
        deltas.append(event.delta)
    if event.type == "response.completed":
        completed = event.response
expect(kinds[0] == "response.created" and kinds[-1] == "response.completed", f"responses stream events: {kinds}")
expect(completed is not None and completed.output_text == "".join(deltas), "responses stream: completed holds the streamed text")
expect(completed.usage.output_tokens > 0, f"responses stream usage: {completed.usage}")
report("responses stream", events=sorted(set(kinds)), output_tokens=completed.usage.output_tokens)

try:
    client.responses.create(model="chat-simulator", input="Remember this", store=True)
    expect(False, "responses with store=True raises BadRequestError")
except openai.BadRequestError as error:
    report("responses store", status=error.status_code, code=error.code)

keeper = OpenAI(base_url=os.environ["GATEHOUSE_BASE_URL"], api_key=os.environ["GATEHOUSE_KEEPER_KEY"], max_retries=0)
kept = keeper.responses.create(model="chat-simulator", input="Keep this answer from Python", store=True)
expect(kept.store is True, f"responses kept: {kept}")
retrieved = keeper.responses.retrieve(kept.id)
expect(retrieved.id == kept.id and retrieved.output_text == kept.output_text, f"responses.retrieve: {retrieved}")
follow_up = keeper.responses.create(model="chat-simulator", input="And this follows on", previous_response_id=kept.id)
expect(follow_up.previous_response_id == kept.id, f"responses with previous_response_id: {follow_up}")
keeper.responses.delete(kept.id)
try:
    keeper.responses.retrieve(kept.id)
    expect(False, "responses.retrieve of a deleted response raises NotFoundError")
except openai.NotFoundError as error:
    report("responses stored", status=error.status_code, id=kept.id)

vectors = client.embeddings.create(model="all-minilm-l6-v2", input=["first sentence", "second sentence"])
expect(len(vectors.data) == 2 and len(vectors.data[0].embedding) == 384, "embeddings: two vectors of 384")
report("embeddings", dimensions=len(vectors.data[0].embedding))
