/**
 * The deployment files (deploy/compose/, deploy/k8s/), read as data and held against the code:
 * there is no Docker engine or cluster here, so they are never run as such. Every variable they
 * set is one a process really reads; their settings load as a valid configuration; probe paths and
 * ports are the server's; grace periods outlast the drain and the shutdown timeout; Redis keeps an
 * append-only file; the Dockerfile targets, the supergraph and the router's config exist and fit.
 * test/system/compose-stack.test.ts runs the compose file's services as plain processes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseGraphql } from 'graphql';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ENV_VARS, loadGatewayConfig } from '../../src/config.ts';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { EMULATOR_ENV_VARS, loadEmulatorSettings } from '../../src/emulator/config.ts';
import { GRAPHQL_PATH } from '../../src/graphql/server.ts';
import { SUBGRAPH_NAME, SUPERGRAPH_ARTIFACT } from '../../scripts/supergraph.ts';
import { ROOT } from './support.ts';

const GATEWAY_VARS = new Set(GATEWAY_ENV_VARS);

const COMPOSE = join(ROOT, 'deploy/compose');
const K8S = join(ROOT, 'deploy/k8s');
const text = (file: string) => readFileSync(file, 'utf8');

// Compose's merge tags (2.24+): `!override` replaces a value of the base file instead of merging.
const composeTags = ['!override', '!reset'].flatMap((tag) => [
  { tag, collection: 'seq' as const, resolve: (v: unknown) => v },
  { tag, collection: 'map' as const, resolve: (v: unknown) => v },
  { tag, resolve: (v: string) => v },
]);
const base = parse(text(join(COMPOSE, 'docker-compose.yml')), { customTags: composeTags }) as any;
const demo = parse(text(join(COMPOSE, 'docker-compose.demo.yml')), { customTags: composeTags }) as any;

/** A `KEY=value` file, as Compose reads env_file: comments and blank lines skipped. */
function envFile(file: string): Record<string, string> {
  return Object.fromEntries(
    text(file)
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function envFiles(service: any): Record<string, string> {
  const files: string[] = (service.env_file ?? []).map((f: string | { path: string }) =>
    typeof f === 'string' ? f : f.path,
  );
  return Object.assign(
    {},
    ...files.map((f) => envFile(join(COMPOSE, existsSync(join(COMPOSE, f)) ? f : `${f}.example`))),
  );
}

/** Variables `source` reads as process.env.NAME. */
function readsEnv(source: string, name: string): boolean {
  return new RegExp(`process\\.env\\.${name}\\b`).test(source);
}

/** Compose's durations: 35s, 1m30s, 500ms. */
function durationMs(d: string): number {
  let ms = 0;
  for (const [, n, unit] of d.matchAll(/(\d+)(ms|s|m|h)/g)) {
    ms += Number(n) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  }
  return ms;
}

/** The URL a `node -e "fetch('…')"` healthcheck asks. */
function healthcheckUrl(service: any): URL {
  const command = (service.healthcheck.test as string[]).join(' ');
  const url = /fetch\('([^']+)'\)/.exec(command)?.[1];
  expect(url, command).toBeDefined();
  return new URL(url!);
}

const healthSource = text(join(ROOT, 'src/http/health.ts'));
const healthRoutes = [...healthSource.matchAll(/app\.get\('([^']+)'/g)].map((m) => m[1]);

const dockerTargets = [...text(join(ROOT, 'Dockerfile')).matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);

describe('deploy/compose/docker-compose.yml', () => {
  const { redis, gateway, router } = base.services;
  const prodEnv = { ...envFiles(gateway), ...gateway.environment };
  // gateway.env.example leaves the secrets blank: stand-ins of the right shape.
  const filled = Object.fromEntries(
    Object.entries(prodEnv).map(([k, v]) => [
      k,
      v === '' ? ({ GATEWAY_API_KEYS: 'k'.repeat(24), GATEWAY_TOKEN_KEY: 't'.repeat(32) }[k] ?? 'stand-in') : String(v),
    ]),
  );

  it('sets only variables the gateway reads, and they load as a valid configuration', () => {
    expect(Object.keys(prodEnv).filter((k) => !GATEWAY_VARS.has(k))).toEqual([]);
    const config = loadGatewayConfig(filled);
    expect(config.zoho.kind).toBe('external');
    expect(config.host).toBe('0.0.0.0');
    expect(config.authRequirement).toMatchObject({ required: true, configured: true });
  });

  it('runs 3 replicas of the runtime image, sharing one Redis, and expects as many', () => {
    expect(gateway.deploy.replicas).toBe(3);
    expect(Number(gateway.environment.GATEWAY_EXPECTED_REPLICAS)).toBe(gateway.deploy.replicas);
    expect(dockerTargets).toContain(gateway.build.target);
    expect(gateway.build.target).toBe('runtime');
    expect(existsSync(join(resolve(COMPOSE, gateway.build.context), 'Dockerfile'))).toBe(true);
    const redisUrl = new URL(gateway.environment.REDIS_URL);
    expect(redisUrl.protocol).toBe('redis:');
    expect(redisUrl.hostname).toBe('redis');
    expect(gateway.depends_on.redis.condition).toBe('service_healthy');
  });

  it("checks each replica's readiness on the server's own route and port", () => {
    const url = healthcheckUrl(gateway);
    expect(url.pathname).toBe('/health/ready');
    expect(healthRoutes).toContain(url.pathname);
    expect(url.port).toBe(String(loadGatewayConfig(filled).port));
  });

  it('gives each replica longer to stop than its drain delay and shutdown timeout together', () => {
    const config = loadGatewayConfig(filled);
    expect(config.drainDelayMs).toBeGreaterThan(0);
    expect(config.drainDelayMs).toBeLessThan(config.shutdownTimeoutMs);
    expect(durationMs(gateway.stop_grace_period)).toBeGreaterThan(config.drainDelayMs + config.shutdownTimeoutMs);
  });

  it('runs Redis with an append-only file, fsynced at least every second, never evicting, on a named volume', () => {
    const args: string[] = redis.command;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(args[0]).toBe('redis-server');
    expect(flag('--appendonly')).toBe('yes');
    expect(['everysec', 'always']).toContain(flag('--appendfsync'));
    expect(flag('--maxmemory-policy')).toBe('noeviction');
    const [volume, path] = (redis.volumes[0] as string).split(':');
    expect(path).toBe('/data');
    expect(Object.keys(base.volumes)).toContain(volume);
  });

  it('puts Hive Gateway in front, at the version the system test runs, serving the committed supergraph', () => {
    const lock = JSON.parse(text(join(COMPOSE, 'router/package-lock.json')));
    const version = lock.packages['node_modules/@graphql-hive/gateway'].version;
    expect(router.image).toBe(`ghcr.io/graphql-hive/gateway:${version}`);

    const mounts = new Map(
      (router.volumes as string[]).map((v) => {
        const [host, container] = v.split(':');
        return [container!, resolve(COMPOSE, host!)];
      }),
    );
    const command: string[] = router.command;
    expect(command[0]).toBe('supergraph');
    expect(mounts.get(command[1]!)).toBe(SUPERGRAPH_ARTIFACT);
    expect(existsSync(SUPERGRAPH_ARTIFACT)).toBe(true);
    const configPath = command[command.indexOf('--config-path') + 1]!;
    expect(mounts.get(configPath)).toBe(join(COMPOSE, 'router/gateway.config.mjs'));
    expect(existsSync(mounts.get(configPath)!)).toBe(true);
    expect(router.depends_on.gateway.condition).toBe('service_healthy');
  });

  it("routes the router to the replicas' service name, port and GraphQL path", () => {
    const config = text(join(COMPOSE, 'router/gateway.config.mjs'));
    for (const name of Object.keys(router.environment).filter((k) => k !== 'NODE_ENV')) {
      expect(readsEnv(config, name), name).toBe(true);
    }
    const url = new URL(router.environment.ZOHO_EMAIL_SUBGRAPH_URL);
    expect(url.hostname).toBe('gateway');
    expect(url.port).toBe(gateway.environment.PORT);
    expect(url.pathname).toBe(GRAPHQL_PATH);
    expect(healthcheckUrl(router).pathname).toBe('/readiness');
  });
});

describe('deploy/compose/router/gateway.config.mjs', async () => {
  const { gatewayConfig } = await import(pathToFileURL(join(COMPOSE, 'router/gateway.config.mjs')).href);
  const executionRequest = (doc: string) => ({ document: parseGraphql(doc) });

  it("points this subgraph, by its supergraph name, at the replicas' address", () => {
    expect(Object.keys(gatewayConfig.transportEntries)).toEqual([SUBGRAPH_NAME]);
    expect(text(SUPERGRAPH_ARTIFACT)).toContain(`@join__graph(name: "${SUBGRAPH_NAME}"`);
  });

  it("passes the caller's credentials, request id and trace context on, and nothing else", () => {
    const request = new Request('http://router/graphql', {
      headers: {
        'x-api-key': 'a-key-of-sixteen-chars',
        authorization: 'Bearer jwt',
        'x-request-id': 'r1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        cookie: 'session=1',
      },
    });
    const headers = gatewayConfig.propagateHeaders.fromClientToSubgraphs({ request, subgraphName: SUBGRAPH_NAME });
    expect(Object.keys(headers).sort()).toEqual(['authorization', 'traceparent', 'x-api-key', 'x-request-id']);
  });

  it('retries a query whose replica is gone, never a mutation', () => {
    const retry = (doc: string) =>
      gatewayConfig.upstreamRetry({ subgraphName: SUBGRAPH_NAME, executionRequest: executionRequest(doc) });
    const forQuery = retry('{ contact(id: "1") { id } }');
    expect(forQuery.maxRetries).toBeGreaterThan(0);
    expect(forQuery.shouldRetry({ response: undefined })).toBe(true);
    expect(forQuery.shouldRetry({ response: new Response('', { status: 503 }) })).toBe(true);
    expect(forQuery.shouldRetry({ response: new Response('{}', { status: 200 }) })).toBe(false);
    expect(
      retry('mutation { linkEmailsToDeal(input: { dealId: "1", emails: [] }) { succeededCount } }'),
    ).toBeUndefined();
  });
});

describe('deploy/compose/docker-compose.demo.yml', () => {
  const { emulator, gateway } = demo.services;
  const env = { ...envFile(join(COMPOSE, 'demo.env')), ...base.services.gateway.environment };

  it("replaces the replicas' Zoho settings with the shared emulator's demo credentials", () => {
    expect(gateway.env_file).toEqual(['demo.env']);
    expect(Object.keys(env).filter((k) => !GATEWAY_VARS.has(k))).toEqual([]);
    const emulatorUrl = `http://emulator:${emulator.environment.EMULATOR_PORT}`;
    expect(env).toMatchObject({
      ZOHO_API_BASE_URL: emulatorUrl,
      ZOHO_ACCOUNTS_URL: emulatorUrl,
      ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
      ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
      ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
    });
    const config = loadGatewayConfig(env);
    expect(config.zoho.kind).toBe('external');
    expect(config.drainDelayMs + config.shutdownTimeoutMs).toBeLessThan(
      durationMs(base.services.gateway.stop_grace_period),
    );
    expect(gateway.depends_on.emulator.condition).toBe('service_healthy');
  });

  it('runs one standalone emulator from the demo image, on every interface of its container', () => {
    expect(dockerTargets).toContain(emulator.build.target);
    expect(emulator.build.target).toBe('demo');
    expect(emulator.command).toEqual(['node', 'dist/emulator/main.js']);
    expect(existsSync(join(ROOT, 'src/emulator/main.ts'))).toBe(true);
    for (const name of Object.keys(emulator.environment)) expect(EMULATOR_ENV_VARS, name).toContain(name);
    const settings = loadEmulatorSettings(emulator.environment);
    expect(settings.host).toBe('0.0.0.0');
    const url = healthcheckUrl(emulator);
    expect(url.pathname).toBe('/__emulator/stats');
    expect(url.port).toBe(String(settings.port));
    // Its admin API has no authentication: never published beyond the host's loopback.
    for (const p of emulator.ports as string[]) expect(p.startsWith('127.0.0.1:')).toBe(true);
    expect(Object.keys(demo.volumes)).toContain((emulator.volumes[0] as string).split(':')[0]);
  });
});

describe('deploy/k8s/', () => {
  const manifests = readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(text(join(K8S, f))).map((d) => d.toJS() as any));
  const find = (kind: string, name: string) => {
    const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
    expect(m, `${kind} ${name}`).toBeDefined();
    return m;
  };
  const deployment = find('Deployment', 'zoho-email-gateway');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const fromRefs = (container.envFrom as any[]).map((e) =>
    e.configMapRef ? find('ConfigMap', e.configMapRef.name).data : find('Secret', e.secretRef.name).stringData,
  );
  const env: Record<string, string> = Object.assign({}, ...fromRefs);
  const config = loadGatewayConfig(env);

  it('sets only variables the gateway reads, from a ConfigMap and a Secret, as a valid configuration', () => {
    expect(Object.keys(env).filter((k) => !GATEWAY_VARS.has(k))).toEqual([]);
    expect(config.zoho.kind).toBe('external');
    expect(config.authRequirement).toMatchObject({ required: true, configured: true });
    const secret = find('Secret', 'zoho-email-gateway').stringData;
    for (const key of [
      'ZOHO_CLIENT_ID',
      'ZOHO_CLIENT_SECRET',
      'ZOHO_REFRESH_TOKEN',
      'GATEWAY_TOKEN_KEY',
      'REDIS_URL',
    ]) {
      expect(Object.keys(secret)).toContain(key);
    }
    expect(secret.GATEWAY_TOKEN_KEY.length).toBeGreaterThanOrEqual(32);
  });

  it('holds clearly fake example secrets only', () => {
    for (const s of manifests.filter((m) => m.kind === 'Secret')) {
      for (const [k, v] of Object.entries(s.stringData as Record<string, string>)) {
        expect(v, `${s.metadata.name} ${k}`).toMatch(/fake/i);
      }
    }
  });

  it("runs 3 replicas with readiness and liveness probes on the server's routes and port", () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(Number(env.GATEWAY_EXPECTED_REPLICAS)).toBe(deployment.spec.replicas);
    const port = container.ports.find((p: any) => p.name === container.readinessProbe.httpGet.port);
    expect(port.containerPort).toBe(config.port);
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(healthRoutes).toContain(probe.httpGet.path);
      expect(probe.httpGet.port).toBe(port.name);
    }
  });

  it('gives each pod longer to stop than its drain delay and shutdown timeout together', () => {
    expect(config.drainDelayMs).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.drainDelayMs + config.shutdownTimeoutMs);
    // The drain is the process's own: a preStop sleep would add to it, inside the same grace period.
    expect(container.lifecycle?.preStop).toBeUndefined();
  });

  it("runs as the image's unprivileged user on a read-only root, writing only to volumes", () => {
    expect(text(join(ROOT, 'Dockerfile'))).toMatch(/USER node/);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const mounted = (container.volumeMounts as any[]).map((m) => m.mountPath);
    // The Dockerfile's one writable path (the state store's SQLite file lives there).
    expect(text(join(ROOT, 'Dockerfile'))).toContain('VOLUME ["/app/data"]');
    expect(mounted).toContain('/app/data');
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
  });

  it('selects its pods from the Service and the PodDisruptionBudget, keeping most of them up', () => {
    const labels = deployment.spec.template.metadata.labels;
    const service = find('Service', 'zoho-email-gateway');
    expect(labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const pdb = find('PodDisruptionBudget', 'zoho-email-gateway');
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(pdb.spec.maxUnavailable).toBeLessThan(deployment.spec.replicas);
  });

  it('runs its example Redis with an append-only file on a persistent volume, where REDIS_URL points', () => {
    const conf = find('ConfigMap', 'zoho-email-gateway-redis').data['redis.conf'] as string;
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(conf).toMatch(/^appendfsync (everysec|always)$/m);
    expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
    const dir = /^dir (\S+)$/m.exec(conf)![1];
    const redis = find('StatefulSet', 'zoho-email-gateway-redis');
    const claim = redis.spec.volumeClaimTemplates[0].metadata.name;
    const mount = redis.spec.template.spec.containers[0].volumeMounts.find((m: any) => m.name === claim);
    expect(mount.mountPath).toBe(dir);
    const service = find('Service', 'zoho-email-gateway-redis');
    const url = new URL(env.REDIS_URL!);
    expect(url.hostname).toBe(service.metadata.name);
    expect(Number(url.port)).toBe(service.spec.ports[0].port);
    const password = find('Secret', 'zoho-email-gateway-redis').stringData.REDIS_PASSWORD;
    expect(decodeURIComponent(url.password)).toBe(password);
  });
});
