package dev.gatehouse.standalone.portal;

import dev.gatehouse.gateway.plane.OnPlane;
import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseCookie;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The web portal at {@code /portal}: every bean it needs, in one class, so that a process that
 * serves no people leaves it out: a gateway-only replica ({@code gatehouse.mode=gateway}) always,
 * any other with {@code gatehouse.portal.enabled=false}.
 * Spring Security guards {@code /portal/**} only; the APIs keep their own bearer authentication
 * and are untouched by these filters (decision 0900).
 */
@Configuration(proxyBeanMethods = false)
@OnPlane(Plane.CONTROL)
@ConditionalOnProperty(name = "gatehouse.portal.enabled", havingValue = "true", matchIfMissing = true)
@EnableWebFluxSecurity
public class PortalConfiguration {

    static final String SESSION_COOKIE = "GATEHOUSE_PORTAL";
    private static final ServerWebExchangeMatcher PORTAL_PATHS = ServerWebExchangeMatchers.pathMatchers("/portal", "/portal/**");
    /** Scripts, styles and images only from the portal itself; nothing inline, no frames, forms post only here. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    @Bean
    SecurityWebFilterChain portalSecurity(ServerHttpSecurity http, BearerAuthenticator callers, TenantDatabase database,
                                          @Value("${gatehouse.portal.session-idle-timeout:15m}") Duration idleTimeout,
                                          Optional<KeycloakSignIn> keycloak) {
        ApiKeySignIn signIn = new ApiKeySignIn(callers, database);
        WebSessionServerSecurityContextRepository sessions = new WebSessionServerSecurityContextRepository();
        AuthenticationWebFilter signInFilter = new AuthenticationWebFilter(signIn);
        signInFilter.setServerAuthenticationConverter(signIn);
        signInFilter.setRequiresAuthenticationMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, PortalPages.SIGN_IN));
        // Saving the context in the session changes the session's id: an id planted before sign-in is worthless after it.
        signInFilter.setSecurityContextRepository(sessions);
        RedirectServerAuthenticationSuccessHandler toCatalog = new RedirectServerAuthenticationSuccessHandler(PortalPages.HOME);
        signInFilter.setAuthenticationSuccessHandler((exchange, authentication) -> exchange.getExchange().getSession()
                .doOnNext(session -> session.setMaxIdleTime(idleTimeout))
                .then(toCatalog.onAuthenticationSuccess(exchange, authentication)));
        signInFilter.setAuthenticationFailureHandler(new RedirectServerAuthenticationFailureHandler(PortalPages.SIGN_IN + "?error"));
        keycloak.ifPresent(oidc -> oidc.configure(http, signIn, sessions, idleTimeout));

        return http
                .securityMatcher(PORTAL_PATHS)
                .securityContextRepository(sessions)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(PortalPages.SIGN_IN, PortalPages.ASSETS + "**", PortalPages.WEBJARS + "**").permitAll()
                        .anyExchange().authenticated())
                .addFilterAt(signInFilter, SecurityWebFiltersOrder.FORM_LOGIN)
                .exceptionHandling(handling -> handling.authenticationEntryPoint(new RedirectServerAuthenticationEntryPoint(PortalPages.SIGN_IN)))
                .logout(logout -> logout
                        .logoutUrl(PortalPages.SIGN_OUT)
                        .logoutHandler(new DelegatingServerLogoutHandler(new SecurityContextServerLogoutHandler(),
                                (exchange, authentication) -> exchange.getExchange().getSession().flatMap(WebSession::invalidate)))
                        .logoutSuccessHandler(signedOut()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frames -> frames.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.SAME_ORIGIN)))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .build();
    }

    /** The distributed mode: people sign in through the same Keycloak realm whose tokens the gateway accepts. */
    @Bean
    @ConditionalOnExpression("!'${gatehouse.keycloak.server-url:}'.isBlank()")
    KeycloakSignIn keycloakSignIn(@Value("${gatehouse.keycloak.server-url}") URI serverUrl,
                                  @Value("${gatehouse.keycloak.realm:gatehouse}") String realm,
                                  @Value("${gatehouse.portal.oidc-client-id:gatehouse-portal}") String clientId) {
        return new KeycloakSignIn(serverUrl, realm, clientId);
    }

    @Bean
    ServerWebExchangeFirewall portalFirewall() {
        return new PortalFirewall(PORTAL_PATHS);
    }

    private static RedirectServerLogoutSuccessHandler signedOut() {
        RedirectServerLogoutSuccessHandler handler = new RedirectServerLogoutSuccessHandler();
        handler.setLogoutSuccessUrl(URI.create(PortalPages.SIGN_IN + "?signed-out"));
        return handler;
    }

    /**
     * The session cookie: never readable by scripts, sent only to the portal and only from its own
     * pages (SameSite=Strict); Secure whenever the request came over TLS (the resolver's own rule).
     */
    @Bean
    WebSessionIdResolver webSessionIdResolver() {
        CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
        resolver.setCookieName(SESSION_COOKIE);
        resolver.addCookieInitializer(cookie -> cookie.path("/portal").httpOnly(true).sameSite("Strict"));
        return resolver;
    }

    @Bean
    PortalApi portalApi(Environment environment) {
        return new PortalApi(environment);
    }

    @Bean
    RouterFunction<ServerResponse> portalRoutes(PortalApi api, Optional<KeycloakSignIn> keycloak) {
        RouterFunction<ServerResponse> home = route(GET("/"), request -> ServerResponse.seeOther(URI.create(PortalPages.HOME)).build());
        return home
                .and(RouterFunctions.resources(PortalPages.ASSETS + "**", new ClassPathResource("portal/assets/")))
                .and(RouterFunctions.resources(PortalPages.WEBJARS + "**", new ClassPathResource("META-INF/resources/webjars/")))
                .and(new PortalPages(api, new ModelCards(), keycloak.isPresent()).routes());
    }
}
