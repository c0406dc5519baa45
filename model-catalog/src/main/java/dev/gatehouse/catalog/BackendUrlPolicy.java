package dev.gatehouse.catalog;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Which backend URLs the gateway may call on a publisher's behalf, so that a registered backend
 * cannot point the gateway at the platform's own network (server-side request forgery): plain
 * http or https to a host whose every address is public, or lies in a network a platform admin
 * allowed by configuration (the built-in backends listen on loopback).
 */
public final class BackendUrlPolicy {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern DOTTED_QUAD = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    /** Hosts that URL parsers elsewhere (browsers, curl, libc) read as IPv4 addresses. */
    private static final Pattern ENDS_IN_NUMBER = Pattern.compile("(.*\\.)?([0-9]+|0[xX][0-9a-fA-F]*)\\.?");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** Special-purpose ranges (IANA registries) where no backend on the internet can live. */
    private static final List<Network> NOT_PUBLIC = Stream.of(
            "0.0.0.0/8",                                        // "this network", incl. the unspecified address
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",    // private
            "100.64.0.0/10",                                    // carrier-grade NAT
            "127.0.0.0/8",                                      // loopback
            "169.254.0.0/16",                                   // link-local, incl. the cloud metadata endpoint 169.254.169.254
            "192.0.0.0/24",                                     // IETF protocol assignments
            "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", // documentation
            "192.88.99.0/24",                                   // deprecated 6to4 relay anycast
            "198.18.0.0/15",                                    // benchmarking
            "224.0.0.0/4",                                      // multicast
            "240.0.0.0/4",                                      // reserved, incl. broadcast 255.255.255.255
            "::/96",                                            // unspecified, loopback ::1, deprecated IPv4-compatible
            "64:ff9b:1::/48",                                   // local-use NAT64
            "100::/64",                                         // discard-only
            "2001::/23",                                        // IETF protocol assignments, incl. Teredo 2001::/32
            "2001:db8::/32", "3fff::/20",                       // documentation
            "fc00::/7",                                         // unique local, incl. AWS metadata fd00:ec2::254
            "fec0::/10",                                        // deprecated site-local
            "fe80::/10",                                        // link-local
            "ff00::/8")                                         // multicast
            .map(Network::parse)
            .toList();

    /** IPv6 forms that carry an IPv4 address which the packets end up at, judged as that address. */
    private static final List<Ipv4Embedding> IPV4_EMBEDDINGS = List.of(
            // Java reads "::ffff:0:0" as the IPv4 address 0.0.0.0, so the mapped prefix is spelt in bytes.
            new Ipv4Embedding(new Network("::ffff:0:0/96", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, 0, 0}, 96), 12),
            new Ipv4Embedding(Network.parse("64:ff9b::/96"), 12),   // NAT64
            new Ipv4Embedding(Network.parse("2002::/16"), 2));      // 6to4

    public static final BackendUrlPolicy PUBLIC_ONLY = allowing(List.of());

    private final List<Network> allowedNetworks;
    /** A host's addresses, none when it does not resolve. */
    private final Function<String, InetAddress[]> resolver;

    BackendUrlPolicy(List<String> allowedNetworks, Function<String, InetAddress[]> resolver) {
        this.allowedNetworks = allowedNetworks.stream().map(Network::parse).toList();
        this.resolver = resolver;
    }

    /** Public addresses and those in {@code allowedNetworks}, CIDR entries such as {@code 127.0.0.1/32}. */
    public static BackendUrlPolicy allowing(List<String> allowedNetworks) {
        return new BackendUrlPolicy(allowedNetworks, BackendUrlPolicy::resolveWithJdk);
    }

    /**
     * Refuses, with a message for the publisher, a URL the gateway must not call. The host is
     * resolved now, so this judges today's addresses only; the gateway judges every address again
     * when it connects, against the same {@link #permits} (DNS rebinding).
     */
    public void check(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new UnsafeBackendUrlException("a backend URL must be absolute and start with http:// or https://");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new UnsafeBackendUrlException("the backend URL has no host that can be read; write a host name, "
                    + "an IPv4 address as four decimal numbers or an IPv6 address in brackets");
        }
        if (url.getRawUserInfo() != null) {
            throw new UnsafeBackendUrlException("a backend URL must not carry a user name or password; "
                    + "give the backend's credentials as secrets");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new UnsafeBackendUrlException("a backend URL must not have a query (?) or a fragment (#)");
        }
        if (url.getPort() != -1 && (url.getPort() < 1 || url.getPort() > 65535)) {
            throw new UnsafeBackendUrlException("the backend URL's port " + url.getPort() + " is outside 1 to 65535");
        }
        if (ENDS_IN_NUMBER.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            // Java reads 0177.0.0.1 as 177.0.0.1 where other software reads 127.0.0.1: refuse the doubt.
            throw new UnsafeBackendUrlException("the backend host " + host + " is an IPv4 address in an ambiguous form; "
                    + "write it as four decimal numbers without leading zeros");
        }
        InetAddress[] addresses = resolver.apply(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        if (addresses.length == 0) {
            throw new UnsafeBackendUrlException("the backend host " + host + " does not resolve");
        }
        String refused = Arrays.stream(addresses).filter(address -> !permits(address))
                .map(InetAddress::getHostAddress).distinct().collect(Collectors.joining(", "));
        if (!refused.isEmpty()) {
            throw new UnsafeBackendUrlException("the backend host " + host + " resolves to " + refused
                    + ", which is neither public nor in a network the platform allows for backends");
        }
    }

    /** Whether the gateway may connect to {@code address}: public, or in an allowed network. */
    public boolean permits(InetAddress address) {
        return permits(address.getAddress());
    }

    private boolean permits(byte[] address) {
        if (allowedNetworks.stream().anyMatch(network -> network.contains(address))) {
            return true;
        }
        Optional<byte[]> embedded = IPV4_EMBEDDINGS.stream()
                .filter(embedding -> embedding.prefix().contains(address))
                .findFirst()
                .map(embedding -> Arrays.copyOfRange(address, embedding.offset(), embedding.offset() + 4));
        if (embedded.isPresent()) {
            return permits(embedded.get());
        }
        return NOT_PUBLIC.stream().noneMatch(network -> network.contains(address));
    }

    private static InetAddress[] resolveWithJdk(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }

    @Override
    public String toString() {
        return allowedNetworks.isEmpty()
                ? "BackendUrlPolicy[public addresses only]"
                : "BackendUrlPolicy[public addresses and " + allowedNetworks.stream().map(Network::text).collect(Collectors.joining(", ")) + "]";
    }

    private record Network(String text, byte[] base, int prefixLength) {

        static Network parse(String cidr) {
            String text = cidr.strip();
            int slash = text.indexOf('/');
            String literal = slash < 0 ? "" : text.substring(0, slash);
            // Only literals reach InetAddress, which would otherwise look a host name up in DNS.
            if (!DOTTED_QUAD.matcher(literal).matches() && !IPV6_LITERAL.matcher(literal).matches()) {
                throw invalid(cidr, "is not an IPv4 or IPv6 address followed by /prefix-length");
            }
            byte[] base;
            try {
                base = InetAddress.getByName(literal).getAddress();
            } catch (UnknownHostException e) {
                throw invalid(cidr, "does not start with a valid IP address");
            }
            if (base.length == 4 && literal.contains(":")) {
                throw invalid(cidr, "is an IPv4-mapped IPv6 address; write the IPv4 network in dotted form");
            }
            String digits = text.substring(slash + 1);
            int prefixLength = digits.matches("[0-9]{1,3}") ? Integer.parseInt(digits) : -1;
            if (prefixLength < 0 || prefixLength > base.length * 8) {
                throw invalid(cidr, "needs a prefix length from 0 to " + base.length * 8);
            }
            if (IntStream.range(prefixLength, base.length * 8).anyMatch(index -> bit(base, index) == 1)) {
                throw invalid(cidr, "has address bits set beyond its prefix length");
            }
            return new Network(text, base, prefixLength);
        }

        boolean contains(byte[] address) {
            return address.length == base.length
                    && IntStream.range(0, prefixLength).allMatch(index -> bit(address, index) == bit(base, index));
        }

        private static int bit(byte[] bytes, int index) {
            return bytes[index / 8] >> (7 - index % 8) & 1;
        }

        private static IllegalArgumentException invalid(String cidr, String reason) {
            return new IllegalArgumentException("allowed backend network '" + cidr + "' " + reason);
        }
    }

    private record Ipv4Embedding(Network prefix, int offset) {
    }
}
