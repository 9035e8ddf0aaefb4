// A real OpenID provider for Labo's single sign-on tests (panva's oidc-provider).
//
// Started by tests/labo/oidc_provider.py with:
//   PORT            the port to listen on (the issuer is http://127.0.0.1:PORT)
//   RP_BASES        comma-separated addresses of the Labo under test (http://testserver, the
//                   live server's): each gets /oidc/callback/ and /login/ registered
// Three clients: "labo" (the one Labo is configured with), "other-app" (another application
// of the same administration: its tokens are not meant for Labo), "labo-signed" (userinfo
// answered signed, as ProConnect does).
// Test controls, for the tests only (nothing like them exists at a real provider):
//   POST /_test/accounts {"login": {claims}}   the accounts and their claims
//   POST /_test/clock {"offset": seconds}      the provider's clock, moved (a provider whose
//                                              clock is behind issues tokens already expired)
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const bases = (process.env.RP_BASES || 'http://testserver').split(',');

let clockOffset = 0;
const realNow = Date.now;
Date.now = () => realNow() + clockOffset * 1000;

let accounts = {};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const client = (id, secret, extra = {}) => ({
  client_id: id,
  client_secret: secret,
  redirect_uris: bases.map((b) => `${b}/oidc/callback/`),
  post_logout_redirect_uris: bases.map((b) => `${b}/login/`),
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...extra,
});

const provider = new Provider(issuer, {
  clients: [
    client('labo', 'labo-secret'),
    client('other-app', 'other-secret'),
    // As ProConnect: the userinfo answer signed (application/jwt).
    client('labo-signed', 'labo-signed-secret', { userinfo_signed_response_alg: 'RS256' }),
  ],
  cookies: { keys: ['a-test-key-for-the-provider-cookies'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'usual_name', 'groups'],
  },
  features: { devInteractions: { enabled: false }, jwtUserinfo: { enabled: true }, rpInitiatedLogout: { enabled: true,
    logoutSource: async (ctx, form) => {
      ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Sign out</title></head><body>
        ${form}<h1>Sign out of the test provider?</h1>
        <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
        </body></html>`;
    },
  } },
  pkce: { required: () => false },
  async findAccount(ctx, sub) {
    if (!accounts[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
  },
});
provider.proxy = false;

const readBody = (req) => new Promise((resolve) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString()));
});

const page = (res, status, html) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!DOCTYPE html><html lang="en"><head><title>Test provider</title></head><body>${html}</body></html>`);
};

// The sign-in page (the provider's own, in place of oidc-provider's dev interactions): a login
// name, no password; consent is given for every scope and claim asked.
async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    return page(res, 200, `<h1>Test provider: sign in</h1>
      <form method="post" action="/interaction/${escape(uid)}">
        <label for="login">Login</label><input id="login" name="login" autofocus>
        <button type="submit">Sign in</button></form>`);
  }
  const login = new URLSearchParams(await readBody(req)).get('login') || '';
  if (!accounts[login]) {
    return page(res, 200, `<p id="error">Unknown account</p>
      <form method="post" action="/interaction/${escape(uid)}">
        <label for="login">Login</label><input id="login" name="login">
        <button type="submit">Sign in</button></form>`);
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res,
    { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (req.method === 'POST' && url.pathname === '/_test/accounts') {
      accounts = JSON.parse(await readBody(req));
      return page(res, 200, 'ok');
    }
    if (req.method === 'POST' && url.pathname === '/_test/clock') {
      clockOffset = JSON.parse(await readBody(req)).offset;
      return page(res, 200, 'ok');
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (match) return await interaction(req, res, match[1]);
    return callback(req, res);
  } catch (err) {
    console.error(err);
    return page(res, 500, escape(err.message));
  }
}).listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
