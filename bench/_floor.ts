import Docker from 'dockerode';
const docker = new Docker();
const now = () => performance.now();
async function once(variant: 'mounts' | 'binds', tag: string) {
  const project = `gdl-test-bench-floorx-${tag}-p${process.pid}`;
  const net = `${project}_default`;
  const t0 = now();
  await docker.createNetwork({ Name: net, Driver: 'bridge', Labels: { 'com.docker.compose.project': project } });
  const t1 = now();
  const vol = `${project}_data`;
  await docker.createVolume({ Name: vol, Labels: { 'com.docker.compose.project': project } });
  const hc: any = { NetworkMode: net, PortBindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '3306' }] }, RestartPolicy: { Name: 'always' } };
  if (variant === 'mounts') hc.Mounts = [{ Type: 'volume', Source: vol, Target: '/var/lib/mysql' }];
  else hc.Binds = [`${vol}:/var/lib/mysql:rw`];
  const t2 = now();
  const c = await docker.createContainer({ name: `${project}-mysql-1`, Image: 'mysql:8', Labels: { 'com.docker.compose.project': project }, ExposedPorts: { '3306/tcp': {} }, HostConfig: hc, NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: ['mysql'] } } } });
  const t3 = now();
  await c.start();
  const t4 = now();
  await c.remove({ force: true, v: true });
  await docker.getNetwork(net).remove();
  await docker.getVolume(vol).remove();
  return { variant, net: (t1 - t0).toFixed(0), create: (t3 - t2).toFixed(0), start: (t4 - t3).toFixed(0) };
}
for (let i = 0; i < 4; i++) {
  console.log(await once('mounts', `m${i}`));
  console.log(await once('binds', `b${i}`));
}
