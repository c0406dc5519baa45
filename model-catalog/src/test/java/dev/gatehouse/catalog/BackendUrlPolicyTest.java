package dev.gatehouse.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendUrlPolicyTest {

    /** Stands in for DNS: tests must not depend on what real name servers answer. */
    private static final Map<String, List<String>> RECORDS = Map.of(
            "gpu.example.com", List.of("8.8.8.8", "2606:4700:4700::1111"),
            "rebinding.example.com", List.of("1.1.1.1", "10.0.0.5"),
            "metadata.example.com", List.of("169.254.169.254"));

    private final BackendUrlPolicy publicOnly = new BackendUrlPolicy(List.of(), BackendUrlPolicyTest::lookUp);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            loopback                             | 127.0.0.1
            loopback                             | 127.255.255.254
            loopback                             | ::1
            link-local                           | 169.254.0.1
            cloud metadata endpoint              | 169.254.169.254
            link-local                           | fe80::1
            private                              | 10.0.0.1
            private                              | 172.16.0.1
            private                              | 172.31.255.255
            private                              | 192.168.1.1
            carrier-grade NAT                    | 100.64.0.1
            carrier-grade NAT                    | 100.127.255.255
            unique local                         | fc00::1
            AWS IPv6 metadata endpoint           | fd00:ec2::254
            unspecified                          | 0.0.0.0
            this network                         | 0.1.2.3
            unspecified                          | ::
            multicast                            | 224.0.0.1
            multicast                            | 239.255.255.250
            multicast                            | ff02::1
            broadcast                            | 255.255.255.255
            reserved                             | 240.0.0.1
            IETF protocol assignment             | 192.0.0.8
            benchmarking                         | 198.18.0.1
            benchmarking                         | 198.19.255.255
            documentation                        | 192.0.2.1
            documentation                        | 198.51.100.1
            documentation                        | 203.0.113.10
            documentation                        | 2001:db8::1
            deprecated site-local                | fec0::1
            IPv4-compatible loopback             | ::127.0.0.1
            IPv4-compatible public               | ::8.8.8.8
            NAT64 of the metadata endpoint       | 64:ff9b::a9fe:a9fe
            local-use NAT64                      | 64:ff9b:1::808:808
            6to4 of a private address            | 2002:c0a8:101::1
            Teredo                               | 2001:0:4136:e378:8000:63bf:3fff:fdd2
            """)
    void refusesAddressesThatAreNotPublic(String range, String literal) {
        assertThat(publicOnly.permits(address(literal))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "11.0.0.1", "172.15.255.255", "172.32.0.0",
            "100.63.255.255", "100.128.0.0", "169.255.0.1", "192.169.0.1", "198.20.0.1", "223.255.255.255",
            "2002:808:808::1", "64:ff9b::808:808"})
    void permitsPublicAddressesUpToTheEdgesOfTheRefusedRanges(String literal) {
        assertThat(publicOnly.permits(address(literal))).isTrue();
    }

    @Test
    void judgesAnIpv4MappedIpv6AddressAsItsIpv4Address() throws UnknownHostException {
        // InetAddress.getByName turns ::ffff:a.b.c.d into an IPv4 address; getByAddress with a scope keeps it IPv6.
        assertThat(publicOnly.permits(ipv4Mapped(127, 0, 0, 1))).isFalse();
        assertThat(publicOnly.permits(ipv4Mapped(8, 8, 8, 8))).isTrue();
        assertThat(BackendUrlPolicy.allowing(List.of("127.0.0.1/32")).permits(ipv4Mapped(127, 0, 0, 1))).isTrue();
    }

    @Test
    void allowedNetworksMakeTheBuiltInBackendsOnLoopbackAcceptable() {
        BackendUrlPolicy builtIn = BackendUrlPolicy.allowing(List.of("127.0.0.1/32", "::1/128"));

        assertThatCode(() -> builtIn.check(URI.create("http://127.0.0.1:18081/v1"))).doesNotThrowAnyException();
        assertThatCode(() -> builtIn.check(URI.create("http://[::1]:18081/v1"))).doesNotThrowAnyException();
        assertThat(builtIn.permits(address("127.0.0.2"))).isFalse();
        assertThat(builtIn.permits(address("10.0.0.1"))).isFalse();
        assertThatThrownBy(() -> BackendUrlPolicy.PUBLIC_ONLY.check(URI.create("http://127.0.0.1:18081/v1")))
                .isInstanceOf(UnsafeBackendUrlException.class);
    }

    @Test
    void anAllowedNetworkCoversItsWholeRangeAndNothingElse() {
        BackendUrlPolicy privateTen = BackendUrlPolicy.allowing(List.of("10.0.0.0/8"));

        assertThat(privateTen.permits(address("10.0.0.0"))).isTrue();
        assertThat(privateTen.permits(address("10.255.255.255"))).isTrue();
        assertThat(privateTen.permits(address("192.168.0.1"))).isFalse();
        assertThat(privateTen.permits(address("8.8.8.8"))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://gpu.example.com/v1", "http://gpu.example.com:8000/v1", "HTTPS://gpu.example.com/v1",
            "https://gpu.example.com", "https://8.8.8.8/v1", "https://[2606:4700:4700::1111]:443/v1"})
    void acceptsHttpUrlsOfPublicHosts(String url) {
        BackendUrlPolicy literalsAndRecords = new BackendUrlPolicy(List.of(),
                host -> RECORDS.containsKey(host) ? lookUp(host) : new InetAddress[] {address(host)});

        assertThatCode(() -> literalsAndRecords.check(URI.create(url))).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ftp://gpu.example.com/v1                  | must be absolute and start with http:// or https://
            file:///etc/passwd                        | must be absolute and start with http:// or https://
            gpu.example.com/v1                        | must be absolute and start with http:// or https://
            http:///v1                                | has no host
            http:gpu.example.com                      | has no host
            http://user:hunter2@gpu.example.com/v1    | must not carry a user name or password
            http://gpu.example.com/v1?api-version=1   | must not have a query (?) or a fragment (#)
            http://gpu.example.com/v1?                | must not have a query (?) or a fragment (#)
            http://gpu.example.com/v1#models          | must not have a query (?) or a fragment (#)
            http://gpu.example.com:0/v1               | port 0 is outside 1 to 65535
            http://gpu.example.com:65536/v1           | port 65536 is outside 1 to 65535
            http://unknown.example.com/v1             | the backend host unknown.example.com does not resolve
            http://metadata.example.com/latest        | resolves to 169.254.169.254, which is neither public nor in a network
            """)
    void refusesUrlsThatAreNotPlainHttpToAResolvableHost(String url, String reason) {
        assertThatThrownBy(() -> publicOnly.check(URI.create(url)))
                .isInstanceOf(UnsafeBackendUrlException.class)
                .hasMessageContaining(reason)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void refusesAHostOfWhichAnyAddressIsNotPublicThoughAnotherIs() {
        assertThatThrownBy(() -> publicOnly.check(URI.create("https://rebinding.example.com/v1")))
                .isInstanceOf(UnsafeBackendUrlException.class)
                .hasMessage("the backend host rebinding.example.com resolves to 10.0.0.5, "
                        + "which is neither public nor in a network the platform allows for backends");
    }

    /** Forms that java.net.URI accepts and the JDK resolver, or other URL parsers, read as internal addresses. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://2130706433/                 | is an IPv4 address in an ambiguous form
            http://0177.0.0.1/                 | is an IPv4 address in an ambiguous form
            http://0x7f000001/                 | is an IPv4 address in an ambiguous form
            http://127.0.0.1./                 | has no host
            http://0/                          | is an IPv4 address in an ambiguous form
            http://0x7f.0.0.1/                 | has no host
            http://127.1/                      | has no host
            http://%31%32%37.0.0.1/            | has no host
            http://[::ffff:127.0.0.1]/         | resolves to 127.0.0.1,
            http://[::1]/                      | resolves to 0:0:0:0:0:0:0:1,
            http://[::127.0.0.1]/              | resolves to 0:0:0:0:0:0:7f00:1,
            http://[64:ff9b::7f00:1]/          | resolves to 64:ff9b:0:0:0:0:7f00:1,
            http://[2002:7f00:1::]/            | resolves to 2002:7f00:1:0:0:0:0:0,
            http://[fd00:ec2::254]/latest/     | resolves to fd00:ec2:0:0:0:0:0:254,
            http://169.254.169.254/latest/     | resolves to 169.254.169.254,
            http://localhost/                  | resolves to
            """)
    void refusesTrickyLiteralsAsTheJdkReadsThem(String url, String reason) {
        // Java reads 2130706433 as 127.0.0.1 but 0177.0.0.1 as the public 177.0.0.1, where curl reads 127.0.0.1.
        assertThatThrownBy(() -> BackendUrlPolicy.PUBLIC_ONLY.check(URI.create(url)))
                .isInstanceOf(UnsafeBackendUrlException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void refusesLocalhostWithATrailingDotWhetherOrNotTheSystemResolvesIt() {
        // glibc finds "localhost." in no hosts file here, other resolvers answer with loopback: refused either way.
        assertThatThrownBy(() -> BackendUrlPolicy.PUBLIC_ONLY.check(URI.create("http://localhost./")))
                .isInstanceOf(UnsafeBackendUrlException.class)
                .hasMessageStartingWith("the backend host localhost. ");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "10.0.0.0", "10.0.0.0/", "/8", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/eight",
            "10.0.0.1/8", "10.0.0/8", "010.0.0.0/8", "gpu.example.com/32", "fe80::1%eth0/128", "::ffff:10.0.0.0/104",
            "1:2:3/64"})
    void refusesAnInvalidAllowedNetworkNamingIt(String entry) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BackendUrlPolicy.allowing(List.of("127.0.0.1/32", entry)))
                .withMessageStartingWith("allowed backend network '" + entry + "' ");
    }

    @Test
    void describesTheAllowedNetworks() {
        assertThat(BackendUrlPolicy.PUBLIC_ONLY).hasToString("BackendUrlPolicy[public addresses only]");
        assertThat(BackendUrlPolicy.allowing(List.of("127.0.0.1/32", " ::1/128")))
                .hasToString("BackendUrlPolicy[public addresses and 127.0.0.1/32, ::1/128]");
    }

    private static InetAddress[] lookUp(String host) {
        return RECORDS.getOrDefault(host, List.of()).stream().map(BackendUrlPolicyTest::address).toArray(InetAddress[]::new);
    }

    /** An IP literal; InetAddress parses those without asking DNS. */
    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal + " is not an IP literal", e);
        }
    }

    private static InetAddress ipv4Mapped(int a, int b, int c, int d) throws UnknownHostException {
        return Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) a, (byte) b, (byte) c, (byte) d}, -1);
    }
}
