import { describeBlockedAddress } from '../src';

describe('describeBlockedAddress: only global unicast addresses may be downloaded from', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::2', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.2', 'reserved'],
  ])('%s is refused (%s)', (address, range) => {
    expect(describeBlockedAddress(address)).toContain(`is a ${range} address`);
  });

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700:4700::1111'])('%s is allowed', (address) => {
    expect(describeBlockedAddress(address)).toBeNull();
  });

  it('refuses what is not an address at all', () => {
    expect(describeBlockedAddress('example.com')).toContain('is not an IP address');
  });
});
