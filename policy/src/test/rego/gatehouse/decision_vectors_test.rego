# Runs the shared decision vectors (src/test/resources/dev/gatehouse/policy/decision-vectors.json,
# loaded by `opa test` as data) through the decision; the Java tests run the same file through
# both decision points.
package gatehouse.decision_vectors_test

import data.gatehouse

mismatches contains {"vector": vector.name, "expected": vector.expected, "actual": actual} if {
	some vector in data.decision_vectors
	actual := gatehouse.decision with input as vector.input
	actual != vector.expected
}

test_every_decision_vector_matches if {
	count(data.decision_vectors) >= 30
	every mismatch in mismatches {
		print("decision vector failed:", mismatch)
		false
	}
}
