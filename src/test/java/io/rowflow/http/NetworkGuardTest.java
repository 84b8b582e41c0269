package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF corpus: every address form that reaches this machine, a private network or cloud metadata is refused. */
class NetworkGuardTest {
    static final NetworkGuard STRICT = new NetworkGuard(false, List.of());

    @ParameterizedTest
    @ValueSource(strings = {
            "127.0.0.1", "127.255.255.254", "2130706433", "0.0.0.0", "10.0.0.1", "172.16.5.4", "172.31.255.255",
            "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.100.100.200", "192.0.0.192", "198.18.0.1",
            "224.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
            "fc00::1", "fd00:ec2::254", "fe80::1", "ff02::1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
            "2002:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:db8::1",
            // IPv4-translated (::ffff:0:0:0/96, RFC 2765): judged by the IPv4 inside
            "::ffff:0:127.0.0.1", "::ffff:0:a9fe:a9fe", "::ffff:0:10.1.2.3", "::ffff:0:192.168.0.1",
            // IPv4-mapped (::ffff:0:0/96) written out in hex, and NAT64 (64:ff9b::/96) with private IPv4s
            "0:0:0:0:0:ffff:0a00:0001", "::ffff:c0a8:101", "64:ff9b::10.0.0.1", "64:ff9b::192.168.1.1",
            "64:ff9b::127.0.0.1", "64:ff9b::100.64.0.1",
            // local-use NAT64 (64:ff9b:1::/48, RFC 8215): the operator decides where the IPv4 sits
            "64:ff9b:1::a9fe:a9fe", "64:ff9b:1:a9fe:a9:fe00::" })
    void refuses(String literal) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        assertThatThrownBy(() -> STRICT.check("host", address)).isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("Rowflow does not connect to it");
    }

    @ParameterizedTest
    @ValueSource(strings = { "93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:2800:220:1:248:1893:25c8:1946",
            "2a00:1450:4001:80b::200e", "::ffff:0:8.8.8.8", "::ffff:0:93.184.216.34", "64:ff9b::8.8.8.8" })
    void allowsPublicAddresses(String literal) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        assertThatCode(() -> STRICT.check("host", address)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "::ffff:127.0.0.5", "::ffff:0:127.0.0.5", "64:ff9b::127.0.0.5" })
    void anAllowedNetworkOpensOnlyThatBlock(String literal) throws Exception {
        NetworkGuard guard = new NetworkGuard(false, List.of("127.0.0.0/8"));
        assertThatCode(() -> guard.check("host", InetAddress.getByName(literal))).doesNotThrowAnyException();
        assertThatThrownBy(() -> guard.check("host", InetAddress.getByName("::1"))).isInstanceOf(BlockedAddressException.class);
        assertThatThrownBy(() -> guard.check("host", InetAddress.getByName("10.1.1.1"))).isInstanceOf(BlockedAddressException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "::1", "169.254.169.254", "10.0.0.1" })
    void allowPrivateNetworksTurnsTheGuardOff(String literal) throws Exception {
        NetworkGuard open = new NetworkGuard(true, List.of());
        assertThatCode(() -> open.check("host", InetAddress.getByName(literal))).doesNotThrowAnyException();
    }
}
