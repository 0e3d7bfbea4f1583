import Docker from 'dockerode';
const docker = new Docker();
const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function once(gap: number, tag: string) {
  const project = `gdl-test-bench-floorx-${tag}-p${process.pid}`;
  const net = `${project}_default`;
  const t0 = now();
  await docker.createNetwork({ Name: net, Driver: 'bridge', CheckDuplicate: true, Attachable: true, Labels: { 'com.docker.compose.project': project } });
  const t1 = now();
  await sleep(gap);
  const hc: any = { NetworkMode: net, PortBindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '3306' }] }, RestartPolicy: { Name: 'always' } };
  const t2 = now();
  const c = await docker.createContainer({ name: `${project}-mysql-1`, Image: 'mysql:8', Labels: { 'com.docker.compose.project': project }, ExposedPorts: { '3306/tcp': {} }, HostConfig: hc, NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: ['mysql'] } } } });
  const t3 = now();
  await c.start();
  const t4 = now();
  await c.remove({ force: true, v: true });
  await docker.getNetwork(net).remove();
  return { gap, net: (t1 - t0).toFixed(0), create: (t3 - t2).toFixed(0), start: (t4 - t3).toFixed(0) };
}
for (let i = 0; i < 4; i++) {
  console.log(await once(0, `a${i}`));
  console.log(await once(1000, `b${i}`));
}
