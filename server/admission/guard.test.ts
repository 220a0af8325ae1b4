// The pure parts of the guard and of metering labels: Host parsing, loopback sockets, route templates, LAN URLs.
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../loopback';
import { hostnameOf } from './guard';
import { reachableUrls } from '../lan';
import { routeLabel } from '../observability/requestMeter';

describe('hostnameOf', () => {
  it('strips ports and brackets and lower-cases', () => {
    expect(hostnameOf('127.0.0.1:8686')).toBe('127.0.0.1');
    expect(hostnameOf('LocalHost')).toBe('localhost');
    expect(hostnameOf('[::1]:8686')).toBe('::1');
    expect(hostnameOf('[::1]')).toBe('::1');
    expect(hostnameOf('evil.example:80')).toBe('evil.example');
  });
  it('rejects what a Host header never is', () => {
    expect(hostnameOf(undefined)).toBeUndefined();
    expect(hostnameOf('::1')).toBeUndefined();
    expect(hostnameOf('[::1')).toBeUndefined();
  });
});

describe('isLoopbackAddress', () => {
  it('knows loopback sockets, mapped ones included', () => {
    for (const a of ['127.0.0.1', '127.8.9.1', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['10.0.0.1', '::ffff:192.168.1.2', 'fe80::1', undefined]) expect(isLoopbackAddress(a), String(a)).toBe(false);
  });
});

describe('routeLabel', () => {
  it('maps paths to bounded route labels, most specific first', () => {
    expect(routeLabel('POST', '/v1/ocr')).toBe('ocr');
    expect(routeLabel('GET', '/v1/jobs/abc/events')).toBe('jobEvents');
    expect(routeLabel('POST', '/v1/jobs/abc/pause')).toBe('jobAction');
    expect(routeLabel('DELETE', '/v1/keys/123')).toBe('revokeKey');
    expect(routeLabel('PATCH', '/v1/keys/123')).toBe('updateKey');
    expect(routeLabel('GET', '/v1/no/such/thing')).toBe('unmatched');
    expect(routeLabel('GET', '/assets/index-abc.js')).toBe('console');
  });
});

describe('reachableUrls', () => {
  const ifaces = [
    { name: 'lo', address: '127.0.0.1', family: 'IPv4' as const, internal: true },
    { name: 'eth0', address: '192.168.1.20', family: 'IPv4' as const, internal: false },
    { name: 'eth0', address: 'fe80::1', family: 'IPv6' as const, internal: false },
    { name: 'eth0', address: 'fd00::20', family: 'IPv6' as const, internal: false },
  ];
  it('lists non-internal addresses the node listens on', () => {
    expect(reachableUrls('0.0.0.0', 8686, true, ifaces)).toEqual(['https://192.168.1.20:8686']);
    expect(reachableUrls('::', 8686, true, ifaces)).toEqual(['https://192.168.1.20:8686', 'https://[fd00::20]:8686']);
    expect(reachableUrls('192.168.1.20', 9000, true, ifaces)).toEqual(['https://192.168.1.20:9000']);
    expect(reachableUrls('127.0.0.1', 9000, true, ifaces)).toEqual([]);
  });
});
