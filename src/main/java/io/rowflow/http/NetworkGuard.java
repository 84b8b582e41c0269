package io.rowflow.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Decides whether Rowflow may connect to an address: user-supplied URLs must not reach loopback, private, link-local,
 * CGNAT, multicast or cloud-metadata addresses (SSRF). IPv6 forms that embed an IPv4 address (mapped {@code ::ffff:0:0/96},
 * translated {@code ::ffff:0:0:0/96}, NAT64 {@code 64:ff9b::/96}, 6to4, Teredo) are judged by the IPv4 address inside
 * them; the local-use NAT64 prefix {@code 64:ff9b:1::/48} (RFC 8215), whose layout the operator chooses, is refused.
 */
public final class NetworkGuard {
    private static final List<Cidr> BLOCKED_V4 = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4").stream().map(Cidr::parse).toList();
    private static final List<Cidr> BLOCKED_V6 = List.of(
            "::/128", "::1/128", "64:ff9b:1::/48", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "100::/64", "2001:db8::/32")
            .stream().map(Cidr::parse).toList();

    private final boolean allowPrivateNetworks;
    private final List<Cidr> allowedNetworks;

    public NetworkGuard(boolean allowPrivateNetworks, List<String> allowedNetworks) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.allowedNetworks = allowedNetworks.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
    }

    /** Throws when the address may not be reached; the message names the address and why. */
    public void check(String host, InetAddress address) throws BlockedAddressException {
        if (allowPrivateNetworks || isAllowedExplicitly(address.getAddress())) {
            return;
        }
        byte[] ipv4 = embeddedIpv4(address.getAddress());
        boolean blocked = ipv4 != null ? matches(BLOCKED_V4, ipv4) : matches(BLOCKED_V6, address.getAddress());
        if (blocked) {
            throw new BlockedAddressException("The address " + address.getHostAddress() + " of " + host
                    + " is private, loopback, link-local or reserved; Rowflow does not connect to it"
                    + " (set rowflow.http.allow-private-networks to allow it)");
        }
    }

    private boolean isAllowedExplicitly(byte[] address) {
        byte[] ipv4 = embeddedIpv4(address);
        return matches(allowedNetworks, address) || (ipv4 != null && matches(allowedNetworks, ipv4));
    }

    private static boolean matches(List<Cidr> blocks, byte[] address) {
        return blocks.stream().anyMatch(c -> c.contains(address));
    }

    /** The IPv4 address an address stands for: itself, or the one embedded in an IPv6 form; null for plain IPv6. */
    static byte[] embeddedIpv4(byte[] a) {
        if (a.length == 4) {
            return a;
        }
        boolean zeroPrefix80 = allZero(a, 0, 10);
        if (zeroPrefix80 && (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF) { // ::ffff:a.b.c.d (mapped)
            return Arrays.copyOfRange(a, 12, 16);
        }
        if (zeroPrefix80 && a[10] == 0 && a[11] == 0 && !allZero(a, 12, 14)) { // ::a.b.c.d (deprecated compatible)
            return Arrays.copyOfRange(a, 12, 16);
        }
        if (allZero(a, 0, 8) && (a[8] & 0xFF) == 0xFF && (a[9] & 0xFF) == 0xFF && a[10] == 0 && a[11] == 0) {
            return Arrays.copyOfRange(a, 12, 16); // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765 / SIIT)
        }
        if ((a[0] & 0xFF) == 0x00 && (a[1] & 0xFF) == 0x64 && (a[2] & 0xFF) == 0xFF && (a[3] & 0xFF) == 0x9B
                && allZero(a, 4, 12)) { // 64:ff9b::/96 (NAT64)
            return Arrays.copyOfRange(a, 12, 16);
        }
        if ((a[0] & 0xFF) == 0x20 && (a[1] & 0xFF) == 0x02) { // 2002::/16 (6to4)
            return Arrays.copyOfRange(a, 2, 6);
        }
        if ((a[0] & 0xFF) == 0x20 && (a[1] & 0xFF) == 0x01 && a[2] == 0 && a[3] == 0) { // 2001::/32 (Teredo)
            byte[] client = Arrays.copyOfRange(a, 12, 16);
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i];
            }
            return client;
        }
        return null;
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Resolves every address of a host and checks them all: one bad record is enough to refuse. */
    public InetAddress[] resolve(String host) throws UnknownHostException, BlockedAddressException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            check(host, address);
        }
        return addresses;
    }
}
