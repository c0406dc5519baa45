package dev.gatehouse.audit.tree;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree against its definition (RFC 9162 section 2.1): roots, inclusion and consistency proofs for
 * every size up to 70 and every leaf or old size in it, and the proofs refused once any hash changes.
 */
class MerkleTreeTest {

    private static final int LARGEST = 70;

    @Test
    void separatesLeavesFromNodesAsRfc9162Prescribes() {
        assertThat(HexFormat.of().formatHex(MerkleHashes.emptyRoot()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(HexFormat.of().formatHex(MerkleHashes.leaf(new byte[0])))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        byte[] a = MerkleHashes.leaf(bytes("a"));
        byte[] b = MerkleHashes.leaf(bytes("b"));
        byte[] concatenated = new byte[64];
        System.arraycopy(a, 0, concatenated, 0, 32);
        System.arraycopy(b, 0, concatenated, 32, 32);
        assertThat(MerkleHashes.node(a, b)).isNotEqualTo(MerkleHashes.leaf(concatenated));
    }

    @Test
    void compactRangeRootIsTheDefinedRootAtEverySize() {
        List<byte[]> leaves = leaves(LARGEST);
        CompactRange range = CompactRange.empty();
        assertThat(range.root()).isEqualTo(MerkleHashes.emptyRoot());
        for (int size = 1; size <= LARGEST; size++) {
            range.append(leaves.get(size - 1));
            assertThat(range.root()).as("size %d", size).isEqualTo(definedRoot(leaves.subList(0, size)));
            assertThat(CompactRange.decode(size, range.encode()).root()).isEqualTo(range.root());
        }
    }

    @Test
    void completedNodesAreThePerfectSubtreesOfTheTree() {
        List<byte[]> leaves = leaves(LARGEST);
        CompactRange range = CompactRange.empty();
        for (byte[] leaf : leaves) {
            for (CompactRange.CompletedNode node : range.append(leaf)) {
                long width = 1L << node.level();
                int start = (int) (node.index() * width);
                assertThat(node.hash()).isEqualTo(definedRoot(leaves.subList(start, start + (int) width)));
            }
        }
    }

    @Test
    void everyLeafHasAnInclusionProofThatVerifiesAndNoOtherLeafPassesIt() {
        List<byte[]> leaves = leaves(LARGEST);
        MerkleProofs proofs = new MerkleProofs(perfectSubtreesOf(leaves));
        for (int size = 1; size <= LARGEST; size++) {
            byte[] root = definedRoot(leaves.subList(0, size));
            for (int index = 0; index < size; index++) {
                List<byte[]> path = proofs.inclusion(index, size);
                assertThat(ProofVerifier.verifyInclusion(index, size, leaves.get(index), path, root)).as("leaf %d of %d", index, size).isTrue();
                assertThat(ProofVerifier.verifyInclusion(index, size, MerkleHashes.leaf(bytes("forged")), path, root)).isFalse();
                if (size > 1) {
                    assertThat(ProofVerifier.verifyInclusion((index + 1) % size, size, leaves.get(index), path, root)).isFalse();
                    assertThat(ProofVerifier.verifyInclusion(index, size, leaves.get(index), path.subList(0, path.size() - 1), root)).isFalse();
                }
            }
        }
    }

    @Test
    void everyOlderSizeHasAConsistencyProofAndAChangedOldRootFailsIt() {
        List<byte[]> leaves = leaves(LARGEST);
        MerkleProofs proofs = new MerkleProofs(perfectSubtreesOf(leaves));
        for (int newSize = 1; newSize <= LARGEST; newSize++) {
            byte[] newRoot = definedRoot(leaves.subList(0, newSize));
            for (int oldSize = 1; oldSize <= newSize; oldSize++) {
                byte[] oldRoot = definedRoot(leaves.subList(0, oldSize));
                List<byte[]> proof = proofs.consistency(oldSize, newSize);
                assertThat(ProofVerifier.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).as("%d to %d", oldSize, newSize).isTrue();
                assertThat(ProofVerifier.verifyConsistency(oldSize, newSize, MerkleHashes.leaf(bytes("rewritten")), newRoot, proof)).isFalse();
                for (int tampered = 0; tampered < proof.size(); tampered++) {
                    List<byte[]> changed = new ArrayList<>(proof);
                    changed.set(tampered, MerkleHashes.leaf(bytes("tampered")));
                    assertThat(ProofVerifier.verifyConsistency(oldSize, newSize, oldRoot, newRoot, changed)).isFalse();
                }
            }
        }
    }

    @Test
    void compactRangeReadFromStoredSubtreesContinuesTheTree() {
        List<byte[]> leaves = leaves(LARGEST);
        CompactRange resumed = CompactRange.read(37, perfectSubtreesOf(leaves));
        for (byte[] leaf : leaves.subList(37, LARGEST)) {
            resumed.append(leaf);
        }
        assertThat(resumed.root()).isEqualTo(definedRoot(leaves));
    }

    @Test
    void checkpointBodyReadsBackAsTheSameCheckpoint() {
        Checkpoint checkpoint = new Checkpoint(java.util.UUID.randomUUID(), 42, definedRoot(leaves(42)), java.time.Instant.parse("2026-12-01T10:15:30Z"));
        Checkpoint parsed = Checkpoint.parse(checkpoint.body());
        assertThat(parsed.body()).isEqualTo(checkpoint.body());
        assertThat(parsed.root()).isEqualTo(checkpoint.root());
    }

    /** MTH of RFC 9162 section 2.1.1, written as the definition reads. */
    static byte[] definedRoot(List<byte[]> leafHashes) {
        int n = leafHashes.size();
        if (n == 0) {
            return MerkleHashes.emptyRoot();
        }
        if (n == 1) {
            return leafHashes.get(0);
        }
        int k = Integer.highestOneBit(n - 1);
        return MerkleHashes.node(definedRoot(leafHashes.subList(0, k)), definedRoot(leafHashes.subList(k, n)));
    }

    static SubtreeHashes perfectSubtreesOf(List<byte[]> leafHashes) {
        return (level, index) -> {
            int width = 1 << level;
            return definedRoot(leafHashes.subList((int) index * width, (int) index * width + width));
        };
    }

    private static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(MerkleHashes.leaf(bytes("record " + i)));
        }
        return leaves;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
