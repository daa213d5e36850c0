import { Card, Col, Typography } from 'antd';

/** One of the ways to begin that a first screen offers side by side: an icon, what it is, a hint, and its action at the foot. */
export function ChoiceCard({ span, icon, title, hint, children }: { span: number; icon: React.ReactNode; title: string; hint: string; children: React.ReactNode }) {
  return (
    <Col span={span}>
      <Card style={{ height: '100%' }} styles={{ body: { display: 'flex', flexDirection: 'column', gap: 12, height: '100%' } }}>
        <div style={{ fontSize: 32, color: '#1677ff' }}>{icon}</div>
        <Typography.Title level={5} style={{ margin: 0 }}>{title}</Typography.Title>
        <Typography.Text type="secondary" style={{ flex: 1 }}>{hint}</Typography.Text>
        {children}
      </Card>
    </Col>
  );
}
