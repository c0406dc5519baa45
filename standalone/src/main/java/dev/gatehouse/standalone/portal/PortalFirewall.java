package dev.gatehouse.standalone.portal;

import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's strict firewall (encoded dots, slashes, NUL and the like refused) for the
 * portal's requests only. Spring Security applies its firewall to every request of the process;
 * the APIs answer such paths themselves, each with a documented problem+json (decision 0400),
 * where the firewall would answer an empty 400.
 */
final class PortalFirewall implements ServerWebExchangeFirewall {

    private final ServerWebExchangeMatcher portal;
    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    PortalFirewall(ServerWebExchangeMatcher portal) {
        this.portal = portal;
    }

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        return portal.matches(exchange).flatMap(match -> match.isMatch() ? strict.getFirewalledExchange(exchange) : Mono.just(exchange));
    }
}
