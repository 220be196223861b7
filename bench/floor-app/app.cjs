// The smallest cdk8s app (see cdk8s.yaml here): one chart, one ConfigMap, written where the CLI says.
const { ApiObject, App, Chart } = require('cdk8s');

const app = new App();
new ApiObject(new Chart(app, 'floor'), 'config', { apiVersion: 'v1', kind: 'ConfigMap', data: { greeting: 'hello' } });
app.synth();
