package dev.gatehouse.standalone.portal;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;

/**
 * Signing in to the portal through Keycloak (the distributed mode): OpenID Connect's authorization
 * code flow with PKCE, the portal being a public client of the realm. The access token Keycloak
 * issues is then checked by the same {@link ApiKeySignIn} as a pasted API key, that is by the
 * gateway's own JWT authenticator (issuer, audience, tenant, roles), and it becomes the session's
 * credential: the pages call the APIs with it, so a person sees exactly what the API lets them.
 */
final class KeycloakSignIn {

    static final String REGISTRATION = "keycloak";
    static final String START = "/portal/oauth2/authorization/" + REGISTRATION;
    private static final String CALLBACK = "/portal/login/oauth2/code/{registrationId}";

    private final ReactiveClientRegistrationRepository registrations;
    private final ServerOAuth2AuthorizedClientRepository authorizedClients = new WebSessionServerOAuth2AuthorizedClientRepository();

    KeycloakSignIn(URI serverUrl, String realm, String clientId) {
        this.registrations = new InMemoryReactiveClientRegistrationRepository(registration(serverUrl, realm, clientId));
    }

    /** A public client (no secret), so Spring Security adds PKCE (S256) to every authorization request. */
    static ClientRegistration registration(URI serverUrl, String realm, String clientId) {
        String issuer = serverUrl.toString().replaceAll("/+$", "") + "/realms/" + realm;
        return ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(clientId)
                .clientName("Keycloak")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}" + CALLBACK)
                .scope("openid")
                .issuerUri(issuer)
                .authorizationUri(issuer + "/protocol/openid-connect/auth")
                .tokenUri(issuer + "/protocol/openid-connect/token")
                .jwkSetUri(issuer + "/protocol/openid-connect/certs")
                .userInfoUri(issuer + "/protocol/openid-connect/userinfo")
                .userNameAttributeName("sub")
                .build();
    }

    void configure(ServerHttpSecurity http, ApiKeySignIn signIn, ServerSecurityContextRepository sessions, Duration idleTimeout) {
        http.oauth2Login(login -> login
                .clientRegistrationRepository(registrations)
                .authorizedClientRepository(authorizedClients)
                .authorizationRequestResolver(new DefaultServerOAuth2AuthorizationRequestResolver(registrations,
                        ServerWebExchangeMatchers.pathMatchers(START.replace(REGISTRATION, "{registrationId}"))))
                .authenticationMatcher(ServerWebExchangeMatchers.pathMatchers(CALLBACK))
                .securityContextRepository(sessions)
                .authenticationSuccessHandler(signedInWithTheAccessToken(signIn, sessions, idleTimeout))
                .authenticationFailureHandler(new RedirectServerAuthenticationFailureHandler(PortalPages.SIGN_IN + "?error")));
    }

    /**
     * Keycloak's answer is replaced in the session by the portal's own signed-in user, built from the
     * access token exactly as the API would authenticate it; a token the API would refuse signs nobody in.
     */
    private ServerAuthenticationSuccessHandler signedInWithTheAccessToken(ApiKeySignIn signIn, ServerSecurityContextRepository sessions,
                                                                         Duration idleTimeout) {
        RedirectServerAuthenticationSuccessHandler toCatalog = new RedirectServerAuthenticationSuccessHandler(PortalPages.HOME);
        RedirectServerAuthenticationFailureHandler refused = new RedirectServerAuthenticationFailureHandler(PortalPages.SIGN_IN + "?error");
        return (filterExchange, authentication) -> authorizedClients
                .loadAuthorizedClient(REGISTRATION, authentication, filterExchange.getExchange())
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException("Keycloak's answer held no access token.")))
                .flatMap(client -> signIn.check(client.getAccessToken().getTokenValue()))
                .flatMap(user -> sessions.save(filterExchange.getExchange(), new SecurityContextImpl(user))
                        .then(filterExchange.getExchange().getSession())
                        .doOnNext(session -> session.setMaxIdleTime(idleTimeout))
                        .then(toCatalog.onAuthenticationSuccess(filterExchange, user)))
                .onErrorResume(AuthenticationException.class,
                        failure -> refused.onAuthenticationFailure(filterExchange, failure));
    }
}
