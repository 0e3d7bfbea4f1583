import Docker from 'dockerode';
const docker = new Docker();
const now = () => performance.now();
async function once(reconnect: boolean, tag: string) {
  const project = `gdl-test-bench-floorx-${tag}-p${process.pid}`;
  const net = `${project}_default`;
  await docker.createNetwork({ Name: net, Driver: 'bridge', CheckDuplicate: true, Attachable: true, Labels: { 'com.docker.compose.project': project } });
  const hc: any = { NetworkMode: net, PortBindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '3306' }] }, RestartPolicy: { Name: 'always' } };
  const c = await docker.createContainer({ name: `${project}-mysql-1`, Image: 'mysql:8', Labels: { 'com.docker.compose.project': project }, ExposedPorts: { '3306/tcp': {} }, HostConfig: hc, NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: ['mysql'] } } } });
  const t2 = now();
  if (reconnect) {
    await docker.getNetwork(net).disconnect({ Container: c.id });
    await docker.getNetwork(net).connect({ Container: c.id, EndpointConfig: { Aliases: ['mysql'] } });
  }
  const t3 = now();
  await c.start();
  const t4 = now();
  await c.remove({ force: true, v: true });
  await docker.getNetwork(net).remove();
  return { reconnect, reconnectMs: (t3 - t2).toFixed(0), start: (t4 - t3).toFixed(0) };
}
for (let i = 0; i < 4; i++) {
  console.log(await once(false, `a${i}`));
  console.log(await once(true, `b${i}`));
}
