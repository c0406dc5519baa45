package dev.gatehouse.catalog;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Backend URL policies for tests that must not depend on real DNS. */
public final class TestBackendUrls {

    private TestBackendUrls() {
    }

    /** Public addresses only, every host name resolving to one public address (8.8.8.8). */
    public static BackendUrlPolicy everyHostPublic() {
        return new BackendUrlPolicy(List.of(), host -> {
            try {
                return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {8, 8, 8, 8})};
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
