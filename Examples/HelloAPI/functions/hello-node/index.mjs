// A Lambda proxy handler: API Gateway's event in, an HTTP answer out.
export const handler = async (event, context) => {
  const name = event.pathParameters.name;
  console.log(`greeting ${name}`);
  return {
    statusCode: 200,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message: `Hello, ${name}!`, runtime: process.env.AWS_EXECUTION_ENV }),
  };
};
