// /accounts/signin/?next=…
import { signIn } from '../session';
import { AuthForm } from './AuthForm';

export default function SignIn(props: { next: string }) {
  return <AuthForm mode="signin" next={props.next} submit={signIn} />;
}
